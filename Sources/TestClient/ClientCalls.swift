import PyASGIBridge

/// The app calls of one client that are running, and the client's closing: once `close()` has
/// begun, new calls are refused while running ones may finish (as a server's graceful shutdown
/// stops accepting connections and lets the open ones end).
final class ClientCalls: Sendable {
    enum Phase {
        case open
        case closing
        case closed
    }

    /// What a `close()` call does: run the close, wait for the one running, or nothing.
    enum CloseTurn {
        case run
        case wait
        case done
    }

    private struct State {
        var phase = Phase.open
        var running: [ObjectIdentifier: any ConnectionCall] = [:]
        /// Calls `close()` does not wait for (the one it was called from inside).
        var excluded: Set<ObjectIdentifier> = []
        var drainWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Drains whose deadline passed before they started waiting.
        var expiredDrains: Set<UInt64> = []
        var closeWaiters: [CheckedContinuation<Result<Void, any Error>, Never>] = []
        var closeOutcome: Result<Void, any Error>?
        var nextID: UInt64 = 0
        var isDrained: Bool { running.keys.allSatisfy { excluded.contains($0) } }
    }

    private let state = Locked(State())

    var phase: Phase { state.withLock { $0.phase } }

    /// Opens a call with `open`, unless the client is closing or closed.
    func open(_ label: String, _ open: () -> any ConnectionCall) throws(TestClientError) -> any ConnectionCall {
        try state.withLock { (state) throws(TestClientError) -> any ConnectionCall in
            guard state.phase == .open else {
                throw TestClientError(.clientClosed, "The client was closed.", request: label)
            }
            let call = open()
            state.running[ObjectIdentifier(call)] = call
            return call
        }
    }

    /// The call is over for the client.
    func remove(_ call: any ConnectionCall) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running[ObjectIdentifier(call)] = nil
            guard state.isDrained else { return [] }
            defer { state.drainWaiters = [:] }
            return Array(state.drainWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Closing

    /// The first `close()` runs it; concurrent ones wait for its outcome; later ones do nothing.
    func beginClose() -> CloseTurn {
        state.withLock { state in
            switch state.phase {
            case .open:
                state.phase = .closing
                return .run
            case .closing: return .wait
            case .closed: return .done
            }
        }
    }

    /// Waits for the `close()` that runs.
    func closeOutcome() async -> Result<Void, any Error> {
        await withCheckedContinuation { continuation in
            let outcome = state.withLock { state -> Result<Void, any Error>? in
                if let outcome = state.closeOutcome { return outcome }
                state.closeWaiters.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(returning: outcome) }
        }
    }

    /// The close is over: every concurrent `close()` gets its outcome.
    func finishClose(_ outcome: Result<Void, any Error>) {
        let waiters = state.withLock { state in
            state.phase = .closed
            state.closeOutcome = outcome
            defer { state.closeWaiters = [] }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    /// The calls running now (once closing, no new ones join them).
    var running: [any ConnectionCall] { state.withLock { Array($0.running.values) } }

    /// `close()` does not wait for `call` (it was called from inside it).
    func exclude(_ call: any ConnectionCall) {
        _ = state.withLock { $0.excluded.insert(ObjectIdentifier(call)) }
    }

    /// Waits until every running call (but the excluded) has ended, at most `timeout`. Returns the
    /// calls still running then.
    func drain(timeout: Duration) async -> [any ConnectionCall] {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let alarm = Watchdog.shared.schedule(after: timeout) { [self] in
            let waiter = state.withLock { state in
                guard let waiter = state.drainWaiters.removeValue(forKey: id) else {
                    state.expiredDrains.insert(id)
                    return CheckedContinuation<Void, Never>?.none
                }
                return waiter
            }
            waiter?.resume()
        }
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.isDrained || state.expiredDrains.remove(id) != nil { return true }
                state.drainWaiters[id] = continuation
                return false
            }
            if now { continuation.resume() }
        }
        Watchdog.shared.cancel(alarm)
        return state.withLock { state in
            state.expiredDrains.remove(id)
            return state.running.filter { !state.excluded.contains($0.key) }.map(\.value)
        }
    }
}
