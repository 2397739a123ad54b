internal import CPython
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's one Python interpreter and the thread that owns it. That thread starts Python,
/// runs the asyncio loop forever, and is the only thread that touches Python objects. Swift talks to
/// it by queueing ``Command`` values; the loop picks a whole batch up per wake-up.
package final class PythonRuntime: Sendable {
    enum Command: Sendable {
        /// Import an app (on a helper thread) and register it; reply on the loop thread.
        case loadApp(String, reply: @Sendable (Result<LoadedAppID, BridgeFailure>) -> Void)
        case releaseApp(Int)
        /// Start an app call.
        case open(AppCall)
        /// Inbound messages are queued for an app waiting in `receive()`.
        case inboundReady(AppCall)
        /// The client left: disconnect the app and cancel its task.
        case cancel(AppCall)
        /// The Swift side has read enough: a `send()` paused by back-pressure goes on.
        case resumeSend(AppCall)
        case addSearchPaths([String])
        /// Run on the loop thread (tools and tests, never requests).
        case onLoop(@Sendable (LoopContext) -> Void)
    }

    private struct Queue {
        var commands: [Command] = []
        /// The loop thread is (about to be) blocked in its selector: a submit must write `wakeFD`.
        var parked = false
        /// A submit wrote `wakeFD` since the loop last took the commands.
        var woken = false
    }

    package let configuration: InterpreterConfiguration
    private let queue = Locked(Queue())
    /// Commands are queued; read without the lock by the spinning loop thread.
    let hasWork = Atomic<Bool>(false)
    /// The same as `hasWork`, as one byte the loop's selector reads from Python without a call
    /// (a `memoryview` over it): written only under `queue`'s lock; the selector's unsynchronised
    /// read at worst sees a new value one loop iteration late, and then calls in. Allocated once,
    /// never freed (the runtime lives as long as the process).
    // nonisolated(unsafe): the pointer itself never changes; the byte is written under `queue`'s lock.
    nonisolated(unsafe) let workFlag: UnsafeMutablePointer<UInt8> = {
        let flag = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        flag.initialize(to: 0)
        return flag
    }()
    /// The loop is waiting for something to do (spinning for work, or blocked in its selector) rather
    /// than running callbacks; cleared when it takes queued commands. See ``loopIsIdle``.
    let loopWaiting = Atomic<Bool>(false)
    /// Readable when the loop thread must wake up: the read end of a pipe.
    let wakeFD: Int32
    private let wakeWriteFD: Int32
    /// How long the loop thread spins for new work before blocking.
    let loopSpin: Duration

    private init(configuration: InterpreterConfiguration) {
        self.configuration = configuration
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "pipe failed")
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        self.wakeFD = fds[0]
        self.wakeWriteFD = fds[1]
        self.loopSpin = .microseconds(Environment.value("ASGI_BRIDGE_LOOP_SPIN_US").flatMap(Int.init) ?? 200)
    }

    // MARK: Start-up

    private enum Startup {
        case idle
        /// Unsafe continuations: each is resumed once, by `finishStartup`, which empties the list.
        case starting([UnsafeContinuation<PythonRuntime, any Error>])
        case started(PythonRuntime)
        case failed(BridgeFailure)
    }

    private static let startup = Locked(Startup.idle)

    /// The runtime, started on first use with `configuration`. Later calls get the same runtime; a
    /// different virtual environment is an error, extra search paths are added.
    package static func shared(_ configuration: InterpreterConfiguration) async throws -> PythonRuntime {
        let runtime: PythonRuntime = try await withUnsafeThrowingContinuation { continuation in
            enum Action {
                case resume(PythonRuntime)
                case fail(BridgeFailure)
                case start
                case wait
            }
            let action = startup.withLock { state -> Action in
                switch state {
                case .started(let runtime): return .resume(runtime)
                case .failed(let failure): return .fail(failure)
                case .starting(var waiters):
                    waiters.append(continuation)
                    state = .starting(waiters)
                    return .wait
                case .idle:
                    state = .starting([continuation])
                    return .start
                }
            }
            switch action {
            case .resume(let runtime): continuation.resume(returning: runtime)
            case .fail(let failure): continuation.resume(throwing: failure)
            case .wait: break
            case .start: PythonRuntime(configuration: configuration).startThread()
            }
        }
        if let wanted = configuration.virtualEnvironment, wanted != runtime.configuration.virtualEnvironment {
            let have = runtime.configuration.virtualEnvironment ?? "no virtual environment"
            throw BridgeFailure.interpreterStart(
                "Python already runs in this process with \(have); one process embeds one interpreter, so it cannot switch to \(wanted)."
            )
        }
        let extra = configuration.searchPaths.filter { !runtime.configuration.searchPaths.contains($0) }
        if !extra.isEmpty { runtime.submit(.addSearchPaths(extra)) }
        return runtime
    }

    /// - Parameter retryable: The failure left Python uninitialised (a wrong venv, say), so a later
    ///   call may try again with another configuration.
    fileprivate static func finishStartup(_ result: Result<PythonRuntime, BridgeFailure>, retryable: Bool = false) {
        let waiters = startup.withLock { state -> [UnsafeContinuation<PythonRuntime, any Error>] in
            guard case .starting(let waiters) = state else { return [] }
            switch result {
            case .success(let runtime): state = .started(runtime)
            case .failure(let failure): state = retryable ? .idle : .failed(failure)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 }) }
    }

    private func startThread() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // Python code recurses deeply (pydantic, Django); give it the stack a main thread has.
        pthread_attr_setstacksize(&attributes, 16 << 20)
        #if os(Linux)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(
            &thread,
            &attributes,
            { argument in
                let runtime = Unmanaged<PythonRuntime>.fromOpaque(argument!).takeRetainedValue()
                runtime.threadMain()
                return nil
            },
            box
        )
        if result != 0 {
            Unmanaged<PythonRuntime>.fromOpaque(box).release()
            PythonRuntime.finishStartup(
                .failure(.interpreterStart("Cannot start the Python thread (error \(result)).")),
                retryable: true
            )
        } else {
            pthread_detach(thread)
        }
    }

    private func threadMain() {
        let context: LoopContext
        do {
            let (venv, source) = try configuration.resolveVirtualEnvironment()
            try Interpreter.start(venv: venv)
            let resolved = InterpreterConfiguration(virtualEnvironment: venv, searchPaths: configuration.searchPaths)
            context = try LoopContext(runtime: self, configuration: resolved)
            Interpreter.announce(venv: venv, source: source, searchPaths: context.addedSearchPaths)
        } catch {
            PythonRuntime.finishStartup(.failure(error), retryable: Py_IsInitialized() == 0)
            return
        }
        PythonRuntime.finishStartup(.success(self))
        context.runForever()
    }

    // MARK: Commands

    /// Queues a command for the loop thread; writes to the wake descriptor only if the loop is
    /// parked in its selector (a busy or spinning loop picks it up without a system call).
    func submit(_ command: Command) {
        let wake = queue.withLock { queue -> Bool in
            queue.commands.append(command)
            hasWork.store(true, ordering: .releasing)
            workFlag.pointee = 1
            defer { queue.parked = false }
            if queue.parked { queue.woken = true }
            return queue.parked
        }
        if wake {
            if CallAccount.isEnabled { AccountTotals.loopWoken() }
            var one: UInt64 = 1
            _ = write(wakeWriteFD, &one, MemoryLayout<UInt64>.size)
        }
    }

    /// Loop side: takes every queued command, and whether the wake descriptor was written for them
    /// (then it must be emptied; a loop that was busy takes its work without a system call).
    func takeCommands() -> (commands: [Command], woken: Bool) {
        queue.withLock { queue in
            hasWork.store(false, ordering: .relaxed)
            workFlag.pointee = 0
            queue.parked = false
            defer { queue.woken = false }
            guard !queue.commands.isEmpty else { return ([], queue.woken) }
            defer { queue.commands = [] }
            return (queue.commands, queue.woken)
        }
    }

    /// Whether the loop has nothing queued and waits for something to do: a call not done by now
    /// awaits I/O, a timer or a thread, and its task may as well park. (`hasWork` is read first:
    /// the loop clears `loopWaiting` before it takes the commands that clear `hasWork`.)
    var loopIsIdle: Bool {
        !hasWork.load(ordering: .acquiring) && loopWaiting.load(ordering: .acquiring)
    }

    /// Loop side: records that the loop is about to block, unless work came in meanwhile.
    func park() -> Bool {
        queue.withLock { queue in
            guard queue.commands.isEmpty else { return false }
            queue.parked = true
            return true
        }
    }

    /// Loop side: empties the wake descriptor.
    func clearWake() {
        var buffer: UInt64 = 0
        while read(wakeFD, &buffer, MemoryLayout<UInt64>.size) > 0 {}
    }
}
