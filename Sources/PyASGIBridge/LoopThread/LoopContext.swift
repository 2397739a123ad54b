internal import CPython
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything Python-side that lives on the loop thread: the asyncio loop, the glue module, the
/// loaded apps, and the loop halves of the app calls that are running. Created on the loop thread after
/// the interpreter started and used only there, always with the GIL held (every entry point is a
/// C function Python calls).
final class LoopContext {
    /// An app object, loaded once however many clients use it (they share its lifespan).
    struct LoadedApp {
        let app: PyPointer
        let isASGI2: Bool
        /// The running lifespan's `state` dict (new for each lifespan run); request scopes get a
        /// shallow copy.
        var state: PyPointer
        /// How many clients hold the app; it is dropped when the last one releases it.
        var holders = 1
    }

    let runtime: PythonRuntime
    let keys = Keys()
    let scopes: ScopeBuilder
    let parser: MessageParser
    let glue: PyPointer
    let describeFunction: PyPointer
    let startLoadFunction: PyPointer
    let runAppFunction: PyPointer
    /// The glue's `resolve_later(future)`: resolves a future unless its task was cancelled meanwhile.
    let resolveLaterFunction: PyPointer
    /// The glue's `lower_root_level(level)` (``TestClientConfiguration``'s `logLevel`).
    let lowerRootLevelFunction: PyPointer
    let appLoadError: PyPointer
    let clientDisconnected: PyPointer
    // Set by `makeLoop()` during init, before any callback can run; never changed afterwards.
    private(set) var loop: PyPointer!
    /// A future already done with result None: what `send()` returns, awaited without suspending.
    private(set) var doneFuture: PyPointer!
    private(set) var createTask: PyPointer!
    /// The glue's `task_starter(loop)`: starts an app call's task (eagerly from Python 3.12) when
    /// the loop has no task factory.
    private(set) var startTask: PyPointer!
    private(set) var createFuture: PyPointer!
    private(set) var callSoon: PyPointer!
    /// An empty dict: the `state` of scopes that take no part in the app's lifespan (copied).
    let emptyState: PyPointer

    /// What start-up put in front of `sys.path`.
    private(set) var addedSearchPaths: [String] = []
    var apps: [Int: LoadedApp] = [:]
    /// The id of each loaded app object, by the object's address: clients of one object share it.
    var appIDs: [UnsafeMutableRawPointer: Int] = [:]
    var nextAppID = 0
    var calls: [ObjectIdentifier: LoopAppCall] = [:]
    /// When the loop thread last handed an accounted call's outcome over (0: none since it last
    /// waited): how long it runs on after a call until it waits again (``AccountTotals/loopTail``).
    var lastHandover: Int64 = 0

    private static func failure(_ what: String) -> BridgeFailure {
        guard PyErr_Occurred() != nil, let error = fetchError() else { return .interpreterStart(what) }
        return .interpreterStart("\(what)\n\(error.traceback)")
    }

    init(runtime: PythonRuntime, configuration: InterpreterConfiguration) throws(BridgeFailure) {
        self.runtime = runtime
        self.scopes = ScopeBuilder(keys: keys)
        self.parser = MessageParser(keys: keys)
        self.emptyState = PyDict_New()!
        guard let code = PyRef(owned: Py_CompileString(GlueModule.source, "<\(GlueModule.name)>", Py_file_input)),
            let module = PyImport_ExecCodeModule(GlueModule.name, code.pointer)
        else { throw LoopContext.failure("Cannot load the bridge's Python module.") }
        glue = module
        func attribute(_ name: String) throws(BridgeFailure) -> PyPointer {
            guard let value = PyObject_GetAttrString(module, name) else {
                throw LoopContext.failure("No \(name) in the bridge module.")
            }
            return value
        }
        describeFunction = try attribute("describe")
        startLoadFunction = try attribute("start_load")
        // Accounted calls stamp the moment their task first runs (see ``CallAccount``).
        runAppFunction = try attribute(CallAccount.isEnabled ? "run_app_accounted" : "run_app")
        resolveLaterFunction = try attribute("resolve_later")
        appLoadError = try attribute("AppLoadError")
        clientDisconnected = try attribute("ClientDisconnected")
        lowerRootLevelFunction = try attribute("lower_root_level")
        guard PyRef(owned: Py.call(try attribute("install_capture"))) != nil else {
            throw LoopContext.failure("Cannot capture the app's logs.")
        }

        // The current directory first, as `python -m` and uvicorn put it; never this library's own
        // root (a dependent package's tests would import the library's fixtures and venv).
        addedSearchPaths = [Environment.currentDirectory] + configuration.searchPaths
        try addSearchPaths(addedSearchPaths)
        try makeLoop()
    }

    private func addSearchPaths(_ paths: [String]) throws(BridgeFailure) {
        guard let setup = PyRef(owned: PyObject_GetAttrString(glue, "setup_paths")),
            let list = PyRef(owned: PyList_New(0))
        else { throw LoopContext.failure("Cannot set sys.path.") }
        for path in paths {
            guard let item = PyRef(owned: Py.string(path)), PyList_Append(list.pointer, item.pointer) == 0 else {
                throw LoopContext.failure("Cannot set sys.path.")
            }
        }
        guard PyRef(owned: Py.call(setup.pointer, list.pointer)) != nil else {
            throw LoopContext.failure("Cannot set sys.path.")
        }
    }

    private func makeLoop() throws(BridgeFailure) {
        // The context lives as long as the process (the loop thread never ends), so the capsule
        // holds it retained and never releases it.
        guard let capsule = PyRef(owned: PyCapsule_New(Unmanaged.passRetained(self).toOpaque(), nil, nil)),
            let waitForWork = PyRef(owned: PyCFunction_NewEx(Callbacks.waitForWork, capsule.pointer, nil)),
            let drain = PyRef(owned: PyCFunction_NewEx(Callbacks.drain, capsule.pointer, nil)),
            let makeLoop = PyRef(owned: PyObject_GetAttrString(glue, "make_loop")),
            let flag = PyRef(
                owned: runtime.workFlag.withMemoryRebound(to: CChar.self, capacity: 1) {
                    PyMemoryView_FromMemory($0, 1, PyBUF_READ)
                }
            ),
            let loop = Py.call(makeLoop.pointer, waitForWork.pointer, flag.pointer)
        else { throw LoopContext.failure("Cannot create the event loop.") }
        self.loop = loop
        guard let createTask = PyObject_GetAttr(loop, keys.createTask),
            let createFuture = PyObject_GetAttr(loop, keys.createFuture),
            let callSoon = PyObject_GetAttr(loop, keys.callSoon),
            let done = PyObject_CallNoArgs(createFuture),
            PyRef(owned: Py.callMethod(done, keys.setResult, shim_None())) != nil,
            let fd = PyRef(owned: PyLong_FromLong(Int(runtime.wakeFD))),
            let addReader = PyRef(owned: PyObject_GetAttrString(loop, "add_reader")),
            PyRef(owned: Py.call(addReader.pointer, fd.pointer, drain.pointer)) != nil
        else { throw LoopContext.failure("Cannot set up the event loop.") }
        guard let starter = PyRef(owned: PyObject_GetAttrString(glue, "task_starter")),
            let startTask = Py.call(starter.pointer, loop)
        else { throw LoopContext.failure("Cannot set up the event loop.") }
        self.createTask = createTask
        self.startTask = startTask
        self.createFuture = createFuture
        self.callSoon = callSoon
        self.doneFuture = done
    }

    /// Runs the loop; never returns.
    func runForever() -> Never {
        // Unretained: the context is retained for the life of the process by `makeLoop()`'s capsule.
        guard let capsule = PyRef(owned: PyCapsule_New(Unmanaged.passUnretained(self).toOpaque(), nil, nil)),
            let report = PyRef(owned: PyCFunction_NewEx(Callbacks.reportLoopError, capsule.pointer, nil)),
            let run = PyRef(owned: PyObject_GetAttrString(glue, "run_forever"))
        else { fatalError("cannot start the event loop") }
        _ = Py.call(run.pointer, loop, report.pointer)
        fatalError("the event loop stopped")
    }

    // MARK: Work from Swift

    /// Called by the selector before every poll: runs queued commands, and when the loop would
    /// block, first spins (GIL released) for new work. True if work was done.
    func waitForWork(timeout: PyPointer) -> Bool {
        if runtime.hasWork.load(ordering: .acquiring) {
            drain()
            return true
        }
        let seconds = Py_IsNone(timeout) != 0 ? Double.infinity : PyFloat_AsDouble(timeout)
        if seconds <= 0 { return false }
        if lastHandover != 0 {
            AccountTotals.loopRan(CallAccount.now() - lastHandover)
            lastHandover = 0
        }
        runtime.loopWaiting.store(true, ordering: .releasing)
        let budget = min(runtime.loopSpin, seconds.isFinite ? .seconds(seconds) : runtime.loopSpin)
        if budget > .zero {
            let saved = PyEval_SaveThread()
            let found = Spin.wait(for: budget, side: .loop) { runtime.hasWork.load(ordering: .acquiring) }
            PyEval_RestoreThread(saved)
            if found {
                drain()
                return true
            }
        }
        if !runtime.park() {
            drain()
            return true
        }
        return false
    }

    /// See ``PythonRuntime/lowerLogLevel(to:)``.
    func lowerRootLevel(to level: Int) {
        guard let value = PyRef(owned: PyLong_FromLong(level)),
            PyRef(owned: Py.call(lowerRootLevelFunction, value.pointer)) != nil
        else { return PyErr_Clear() }
    }

    /// Runs the queued commands. `readable`: called because the wake descriptor is readable (the
    /// selector's reader callback), so it is emptied whatever the queue says.
    func drain(readable: Bool = false) {
        runtime.loopWaiting.store(false, ordering: .releasing)
        let (commands, woken) = runtime.takeCommands()
        // A wake written after `takeCommands` leaves the descriptor readable: the reader callback
        // then empties it, so it never stays readable.
        if woken || readable { runtime.clearWake() }
        for command in commands {
            switch command {
            case .loadApp(let spec, let reply): startLoad(spec, reply: reply)
            case .releaseApp(let id): releaseApp(id)
            case .open(let call): open(call)
            case .inboundReady(let call): calls[ObjectIdentifier(call)]?.deliverInbound()
            case .cancel(let call): calls[ObjectIdentifier(call)]?.cancel()
            case .resumeSend(let call): calls[ObjectIdentifier(call)]?.resumeSend()
            case .addSearchPaths(let paths): try? addSearchPaths(paths)
            case .onLoop(let work): work(self)
            }
        }
    }
}
