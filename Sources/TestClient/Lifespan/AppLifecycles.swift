import PyASGIBridge

/// One lifespan per loaded app object, shared by all its clients, as one server process runs one
/// lifespan however many connections it serves. The key is the Python app object (its
/// ``LoadedAppID``), not the address string: `module:factory()` gives each client its own object
/// and so its own lifespan.
///
/// The first client of an object runs startup; clients opening meanwhile wait for the same startup
/// and all get its failure; later clients join the running lifespan; shutdown runs when the last
/// client leaves; a client opening while shutdown runs waits for it, then starts a new lifespan.
/// After a failed startup the next client tries afresh.
final class AppLifecycles: Sendable {
    static let shared = AppLifecycles()

    private struct Running {
        var members: Int
        var runner: LifespanRunner?
        /// What the app logs during its lifespan call (startup, shutdown, and what lifespan tasks
        /// log meanwhile), shared by the clients that take part in it.
        var logs: LogSink?
        /// Why lifespan is not supported, when it is not.
        var unsupported: String?
    }

    /// What a joining client is told.
    private enum Turn {
        /// Run startup.
        case start
        /// Joined the running lifespan; whether lifespan is supported, and its records.
        case joined(supported: Bool, logs: LogSink?)
        case failed(BridgeFailure)
        /// The lifecycle changed meanwhile: look again.
        case retry
    }

    private enum Entry {
        case starting(waiters: [UInt64: CheckedContinuation<Turn, Never>])
        case running(Running)
        case stopping(waiters: [UInt64: CheckedContinuation<Turn, Never>])
    }

    private struct State {
        var entries: [LoadedAppID: Entry] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Locked(State())

    /// Joins the lifecycle of `app`, running startup if it is the first. Returns whether the app
    /// supports lifespan, and where its lifespan call's records go. The client's mode, timeout and
    /// call options apply when it runs startup; a `.on` client joining a lifecycle that found
    /// lifespan unsupported fails as `.on` would.
    func join(_ app: LoadedAppID, _ settings: LifespanRunner.Settings) async throws -> (supported: Bool, logs: LogSink?)
    {
        while true {
            switch await turn(app, mode: settings.mode) {
            case .start:
                return try await start(app, settings)
            case .joined(let supported, let logs):
                return (supported, logs)
            case .failed(let failure):
                throw failure
            case .retry:
                continue
            }
        }
    }

    private func turn(_ app: LoadedAppID, mode: LifespanMode) async -> Turn {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    Self.decide(
                        &state.entries,
                        app,
                        mode: mode,
                        waiter: (id, continuation),
                        cancelled: Task.isCancelled
                    )
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            stopWaiting(app, waiter: id)
        }
    }

    /// Decides a joining client's turn now, or keeps its continuation until startup or shutdown ends.
    private static func decide(
        _ entries: inout [LoadedAppID: Entry],
        _ app: LoadedAppID,
        mode: LifespanMode,
        waiter: (UInt64, CheckedContinuation<Turn, Never>),
        cancelled: Bool
    ) -> Turn? {
        switch entries[app] {
        case nil:
            entries[app] = .starting(waiters: [:])
            return .start
        case .starting where cancelled, .stopping where cancelled:
            return .failed(.cancelled)
        case .starting(var waiters):
            waiters[waiter.0] = waiter.1
            entries[app] = .starting(waiters: waiters)
            return nil
        case .stopping(var waiters):
            waiters[waiter.0] = waiter.1
            entries[app] = .stopping(waiters: waiters)
            return nil
        case .running(var running):
            if mode == .on, let reason = running.unsupported {
                return .failed(.lifespanFailed(phase: "startup", message: reason))
            }
            running.members += 1
            entries[app] = .running(running)
            return .joined(supported: running.unsupported == nil, logs: running.logs)
        }
    }

    /// A waiting client's task was cancelled: it stops waiting at once.
    private func stopWaiting(_ app: LoadedAppID, waiter id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Turn, Never>? in
            switch state.entries[app] {
            case .starting(var waiters):
                defer { state.entries[app] = .starting(waiters: waiters) }
                return waiters.removeValue(forKey: id)
            case .stopping(var waiters):
                defer { state.entries[app] = .stopping(waiters: waiters) }
                return waiters.removeValue(forKey: id)
            default:
                return nil
            }
        }
        waiter?.resume(returning: .failed(.cancelled))
    }

    private func start(
        _ app: LoadedAppID,
        _ settings: LifespanRunner.Settings
    ) async throws -> (supported: Bool, logs: LogSink?) {
        let logs = LogSink()
        var settings = settings
        settings.options.clientLogs = logs
        let mode = settings.mode
        let startup: LifespanRunner.Startup
        do {
            startup = try await LifespanRunner.start(app, settings)
        } catch {
            // Waiting clients share the failure; a cancelled starter only lets them try again.
            let failure = error as? BridgeFailure ?? .connectionClosed(reason: "\(error)")
            settle(app, with: nil, waiters: failure == .cancelled ? .retry : .failed(failure))
            throw error
        }
        var running = Running(members: 1, logs: logs)
        switch startup {
        case .running(let runner):
            running.runner = runner
        case .unsupported(let reason) where mode == .on:
            // Only this client's mode refuses the app; waiting clients try afresh with their own.
            settle(app, with: nil, waiters: .retry)
            throw BridgeFailure.lifespanFailed(phase: "startup", message: reason)
        case .unsupported(let reason):
            running.unsupported = reason
        }
        // Waiting clients join through the running state, where their own mode is checked.
        settle(app, with: .running(running), waiters: .retry)
        return (running.unsupported == nil, logs)
    }

    /// Ends a startup or a shutdown: the entry becomes `entry`, and its waiters get `turn`.
    private func settle(_ app: LoadedAppID, with entry: Entry?, waiters turn: Turn) {
        let waiters = state.withLock { state -> [CheckedContinuation<Turn, Never>] in
            var waiters: [CheckedContinuation<Turn, Never>] = []
            switch state.entries[app] {
            case .starting(let pending), .stopping(let pending): waiters = Array(pending.values)
            default: break
            }
            state.entries[app] = entry
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: turn) }
    }

    /// A client leaves; the last one runs shutdown (and gets its failure).
    func leave(_ app: LoadedAppID) async throws {
        guard let runner = depart(app, last: .stopping(waiters: [:])) else { return }
        defer { settle(app, with: nil, waiters: .retry) }
        try await runner?.shutdown()
    }

    /// A client was dropped without `close()`: it leaves without a shutdown handshake; the last one
    /// ends the lifespan call.
    func abandon(_ app: LoadedAppID) {
        if let runner = depart(app, last: nil) { runner?.abandon() }
    }

    /// One member fewer. When it was the last, the entry becomes `last` and the running lifespan
    /// (nil if unsupported) is returned, for the caller to end; otherwise nil.
    private func depart(_ app: LoadedAppID, last: Entry?) -> LifespanRunner?? {
        state.withLock { state -> LifespanRunner?? in
            guard case .running(var running) = state.entries[app] else { return nil }
            running.members -= 1
            guard running.members == 0 else {
                state.entries[app] = .running(running)
                return nil
            }
            state.entries[app] = last
            return .some(running.runner)
        }
    }
}
