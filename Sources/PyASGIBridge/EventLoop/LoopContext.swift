internal import CPython
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything Python-side that lives on the loop thread: the asyncio loop, the glue module, the
/// loaded apps, and the connections whose app calls are running. Created on the loop thread after
/// the interpreter started and used only there, always with the GIL held (every entry point is a
/// C function Python calls).
final class LoopContext {
    struct LoadedApp {
        let app: PyPointer
        let isASGI2: Bool
        /// The lifespan `state` dict; request scopes get a shallow copy.
        let state: PyPointer
    }

    let runtime: PythonRuntime
    let keys = Keys()
    let scopes: ScopeBuilder
    let parser: MessageParser
    let glue: PyPointer
    let describeFunction: PyPointer
    let loadAppFunction: PyPointer
    let runAppFunction: PyPointer
    let appLoadError: PyPointer
    let clientDisconnected: PyPointer
    // Set by `makeLoop()` during init, before any callback can run; never changed afterwards.
    private(set) var loop: PyPointer!
    /// A future already done with result None: what `send()` returns, awaited without suspending.
    private(set) var doneFuture: PyPointer!
    private(set) var createTask: PyPointer!
    private(set) var createFuture: PyPointer!
    private(set) var callSoon: PyPointer!

    private var apps: [Int: LoadedApp] = [:]
    private var nextAppID = 0
    var connections: [ObjectIdentifier: PyConnection] = [:]

    private static func failure(_ what: String) -> BridgeFailure {
        guard PyErr_Occurred() != nil, let error = fetchError() else { return .interpreterStart(what) }
        return .interpreterStart("\(what)\n\(error.traceback)")
    }

    init(runtime: PythonRuntime, configuration: InterpreterConfiguration) throws(BridgeFailure) {
        self.runtime = runtime
        self.scopes = ScopeBuilder(keys: keys)
        self.parser = MessageParser(keys: keys)
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
        loadAppFunction = try attribute("load_app")
        runAppFunction = try attribute("run_app")
        appLoadError = try attribute("AppLoadError")
        clientDisconnected = try attribute("ClientDisconnected")

        var paths = [Environment.currentDirectory]
        if let root = Environment.packageRoot, root != paths[0] { paths.append(root) }
        try addSearchPaths(paths + configuration.searchPaths)
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
            let loop = Py.call(makeLoop.pointer, waitForWork.pointer)
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
        self.createTask = createTask
        self.createFuture = createFuture
        self.callSoon = callSoon
        self.doneFuture = done
    }

    /// Runs the loop; never returns.
    func runForever() -> Never {
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
        let budget = min(runtime.loopSpin, seconds.isFinite ? .seconds(seconds) : runtime.loopSpin)
        if budget > .zero {
            let saved = PyEval_SaveThread()
            let found = Spin.wait(for: budget) { runtime.hasWork.load(ordering: .acquiring) }
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

    func drain() {
        runtime.clearWake()
        for command in runtime.takeCommands() {
            switch command {
            case .loadApp(let spec, let reply): reply(loadApp(spec))
            case .releaseApp(let id): releaseApp(id)
            case .open(let connection): open(connection)
            case .inboundReady(let connection): connections[ObjectIdentifier(connection)]?.deliverInbound()
            case .abort(let connection): connections[ObjectIdentifier(connection)]?.abort()
            case .addSearchPaths(let paths): try? addSearchPaths(paths)
            case .call(let module, let function, let arguments, let reply):
                call(module: module, function: function, arguments: arguments, reply: reply)
            }
        }
    }

    private func loadApp(_ spec: String) -> Result<Int, BridgeFailure> {
        guard let specObject = PyRef(owned: Py.string(spec)) else {
            return .failure(.appLoad(.invalidSpec, message: spec, exception: nil))
        }
        guard let result = PyRef(owned: Py.call(loadAppFunction, specObject.pointer)) else {
            return .failure(appLoadFailure())
        }
        let app = shim_Tuple_GetItem(result.pointer, 0)!
        let isASGI2 = PyObject_IsTrue(shim_Tuple_GetItem(result.pointer, 1)!) == 1
        nextAppID += 1
        apps[nextAppID] = LoadedApp(app: Py_NewRef(app), isASGI2: isASGI2, state: PyDict_New()!)
        return .success(nextAppID)
    }

    private func appLoadFailure() -> BridgeFailure {
        LoopContext.withPendingException { value in appLoadFailure(value) }
            ?? .appLoad(.importFailed, message: "unknown error", exception: nil)
    }

    private func appLoadFailure(_ value: PyPointer) -> BridgeFailure {
        let info = describe(value)
        if PyObject_IsInstance(value, appLoadError) == 1,
            let kind = Py.string(owned: PyObject_GetAttrString(value, "kind")),
            let code = BridgeFailure.AppLoadKind(rawValue: kind)
        {
            return .appLoad(code, message: info.message, exception: nil)
        }
        return .appLoad(.importFailed, message: "\(info.type): \(info.message)", exception: info)
    }

    private func releaseApp(_ id: Int) {
        guard let app = apps.removeValue(forKey: id) else { return }
        Py_DecRef(app.app)
        Py_DecRef(app.state)
    }

    /// Starts the app call for a connection: scope, `receive`/`send`, a task with a done callback.
    private func open(_ connection: Connection) {
        guard let app = apps[connection.appID] else {
            connection.finish(.failure(.connectionClosed(reason: "The client was closed.")))
            return
        }
        let pyConnection = PyConnection(connection: connection, context: self)
        guard let scope = PyRef(owned: scopes.scope(connection.scope, state: app.state)),
            let capsule = PyRef(owned: pyConnection.capsule()),
            let receive = PyRef(owned: PyCFunction_NewEx(Callbacks.receive, capsule.pointer, nil)),
            let send = PyRef(owned: PyCFunction_NewEx(Callbacks.send, capsule.pointer, nil)),
            let report = PyRef(owned: PyCFunction_NewEx(Callbacks.report, capsule.pointer, nil)),
            let coroutine = PyRef(
                owned: Py.call(
                    runAppFunction,
                    app.app,
                    shim_Bool(app.isASGI2 ? 1 : 0),
                    scope.pointer,
                    receive.pointer,
                    send.pointer,
                    report.pointer
                )
            ),
            let task = Py.call(createTask, coroutine.pointer)
        else {
            connection.finish(.failure(.appException(takeError())))
            return
        }
        pyConnection.task = task
        connections[ObjectIdentifier(connection)] = pyConnection
    }

    /// Calls `module.function(*arguments)`; a coroutine result runs as a task. Replies with `str()`
    /// of the result. For tools (the benchmark), not for requests.
    private func call(
        module: String,
        function: String,
        arguments: [String],
        reply: @escaping @Sendable (Result<String, BridgeFailure>) -> Void
    ) {
        guard let imported = PyRef(owned: PyImport_ImportModule(module)),
            let callable = PyRef(owned: PyObject_GetAttrString(imported.pointer, function)),
            let tuple = PyRef(owned: Py.tuple(arguments.map { Py.string($0) })),
            let result = PyRef(owned: PyObject_Call(callable.pointer, tuple.pointer, nil))
        else {
            reply(.failure(.appException(takeError())))
            return
        }
        guard PyObject_HasAttrString(result.pointer, "__await__") != 0 else {
            reply(.success(Py.describe(result.pointer)))
            return
        }
        let pending = PendingCall(context: self, reply: reply)
        guard let task = PyRef(owned: Py.call(createTask, result.pointer)),
            let capsule = PyRef(
                owned: PyCapsule_New(Unmanaged.passRetained(pending).toOpaque(), nil, Callbacks.releasePendingCall)
            ),
            let done = PyRef(owned: PyCFunction_NewEx(Callbacks.callDone, capsule.pointer, nil)),
            PyRef(owned: Py.callMethod(task.pointer, keys.addDoneCallback, done.pointer)) != nil
        else {
            reply(.failure(.appException(takeError())))
            return
        }
    }

    // MARK: Errors

    /// Type, message and formatted traceback of an exception object.
    func describe(_ exception: PyPointer) -> PythonExceptionInfo {
        guard let result = PyRef(owned: Py.call(describeFunction, exception)), shim_Tuple_Check(result.pointer) != 0
        else {
            PyErr_Clear()
            return PythonExceptionInfo(type: Py.typeName(exception), message: Py.describe(exception), traceback: "")
        }
        func item(_ index: Int) -> String { Py.swiftString(shim_Tuple_GetItem(result.pointer, index)!) ?? "" }
        return PythonExceptionInfo(type: item(0), message: item(1), traceback: item(2))
    }

    /// Takes the pending Python error as a value.
    func takeError() -> PythonExceptionInfo {
        LoopContext.fetchError(describe: describe)
            ?? PythonExceptionInfo(type: "SystemError", message: "unknown error", traceback: "")
    }

    static func fetchError(describe: ((PyPointer) -> PythonExceptionInfo)? = nil) -> PythonExceptionInfo? {
        withPendingException { value in
            describe?(value)
                ?? PythonExceptionInfo(
                    type: Py.typeName(value),
                    message: Py.describe(value),
                    traceback: Py.describe(value)
                )
        }
    }

    /// Takes the pending Python error (clearing it) and gives `body` the exception object, its
    /// traceback attached; nil when no error is set.
    static func withPendingException<Result>(_ body: (PyPointer) -> Result) -> Result? {
        guard let value = shim_Err_TakeException() else { return nil }
        defer { Py_DecRef(value) }
        return body(value)
    }

    func reportLoopError(_ exception: PyPointer) {
        let info = describe(exception)
        var line = "swift-asgi-testclient: the event loop caught \(info.type): \(info.message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

/// A tool call whose coroutine is running: replies when its task is done.
final class PendingCall {
    unowned let context: LoopContext
    let reply: @Sendable (Result<String, BridgeFailure>) -> Void

    init(context: LoopContext, reply: @escaping @Sendable (Result<String, BridgeFailure>) -> Void) {
        self.context = context
        self.reply = reply
    }

    func done(_ task: PyPointer) {
        guard let result = PyRef(owned: Py.callMethod(task, context.keys.result)) else {
            reply(.failure(.appException(context.takeError())))
            return
        }
        reply(.success(Py.describe(result.pointer)))
    }
}
