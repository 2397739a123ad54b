internal import CPython

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// For tools and tests only (the benchmark's peers, a test that counts the loop's tasks): calling a
/// Python function on the loop thread. Requests never come this way.
extension PythonRuntime {
    /// Calls `module.function(*arguments)` on the loop thread, awaiting it if it is a coroutine, and
    /// returns `str()` of the result.
    package func call(module: String, function: String, arguments: [String] = []) async throws -> String {
        let wait = OneShot<String>()
        submit(
            .onLoop { context in
                context.call(module: module, function: function, arguments: arguments) { _ = wait.resume(with: $0) }
            }
        )
        return try await wait.value()
    }
}

extension PythonRuntime {
    /// The CPU time the loop thread has used so far, in seconds (the benchmark's account splits a
    /// request's CPU between the loop thread and the Swift side).
    package func loopThreadCPUSeconds() async throws -> Double {
        let wait = OneShot<Double>()
        submit(
            .onLoop { _ in
                var time = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
                _ = wait.resume(with: .success(Double(time.tv_sec) + Double(time.tv_nsec) / 1e9))
            }
        )
        return try await wait.value()
    }
}

extension LoopContext {
    /// Calls `module.function(*arguments)`; a coroutine result runs as a task. Replies with `str()`
    /// of the result.
    fileprivate func call(
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
            // Retained: the capsule owns one reference, released by its destructor.
            let capsule = PyRef(
                owned: PyCapsule_New(Unmanaged.passRetained(pending).toOpaque(), nil, PendingCall.releaseCapsule)
            ),
            let done = PyRef(owned: PyCFunction_NewEx(PendingCall.done, capsule.pointer, nil)),
            PyRef(owned: Py.callMethod(task.pointer, keys.addDoneCallback, done.pointer)) != nil
        else {
            reply(.failure(.appException(takeError())))
            return
        }
    }
}

/// A tool call whose coroutine is running: replies when its task is done.
private final class PendingCall {
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

    // The definition is created once and never freed, as CPython requires; immutable afterwards.
    nonisolated(unsafe) static let done = Callbacks.define(
        "call_done",
        flags: shim_METH_O(),
        { capsule, task in
            Callbacks.object(capsule, as: PendingCall.self).done(task!)
            return Py_NewRef(shim_None())
        }
    )

    static let releaseCapsule: PyCapsule_Destructor = { capsule in
        Unmanaged<PendingCall>.fromOpaque(PyCapsule_GetPointer(capsule, nil)!).release()
    }
}
