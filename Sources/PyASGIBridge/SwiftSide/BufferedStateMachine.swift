/// The outbound half of a buffered app call (a plain HTTP request), as a pure state machine: the
/// loop thread gathers the whole response and hands it over once, when the app call ends; the
/// Swift task waits for that one outcome.
///
/// A call ends in one of two ways, whichever comes first: the app call ends (``appCallEnded(_:)``)
/// or the client leaves (``clientLeft(_:)``: a timeout, a cancellation, a closed client). The
/// first outcome is final.
package struct BufferedStateMachine<Waiter> {
    package typealias Outcome = Result<BufferedResponse, BridgeFailure>

    private var outcome: Outcome?
    private var waiter: Waiter?

    package init() {}

    package var isOver: Bool { outcome != nil }

    /// The Swift task waits: the outcome now if there is one, else nil and the machine keeps `waiter`.
    package mutating func wait(_ waiter: Waiter) -> Outcome? {
        if let outcome { return outcome }
        self.waiter = waiter
        return nil
    }

    /// The outcome, if there is one, without waiting.
    package var ready: Outcome? { outcome }

    /// The app call ended. Returns the waiter to resume, and with what.
    package mutating func appCallEnded(_ result: Outcome) -> (Waiter, Outcome)? {
        settle(result)
    }

    /// The client left with `failure`. Returns the waiter to resume, and with what.
    package mutating func clientLeft(_ failure: BridgeFailure) -> (Waiter, Outcome)? {
        settle(.failure(failure))
    }

    private mutating func settle(_ result: Outcome) -> (Waiter, Outcome)? {
        guard outcome == nil else { return nil }
        outcome = result
        defer { waiter = nil }
        return waiter.map { ($0, result) }
    }
}
