/// A value that arrives once, awaited by one task, where several parties race to provide it (a
/// reply, a deadline, a cancellation): the first wins, the others learn that they lost.
final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, any Error>)
        case done(Result<Value, BridgeFailure>)
    }
    private let state = Locked(State.empty)

    /// Provides the outcome; false when it was already provided.
    func resume(with result: Result<Value, BridgeFailure>) -> Bool {
        let (won, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Value, any Error>?) in
            switch state {
            case .done: return (false, nil)
            case .empty:
                state = .done(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .done(result)
                return (true, continuation)
            }
        }
        waiter?.resume(with: result.mapError { $0 })
        return won
    }

    /// Waits for the outcome (called once).
    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let done = state.withLock { state -> Result<Value, BridgeFailure>? in
                if case .done(let result) = state { return result }
                state = .waiting(continuation)
                return nil
            }
            if let done { continuation.resume(with: done.mapError { $0 }) }
        }
    }
}
