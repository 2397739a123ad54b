/// The outbound half of a streaming app call (a streamed response, a websocket, lifespan), as a
/// pure state machine: each message the app sends is handed to the Swift task as it comes, and
/// the app's `send()` is paused while too much of what it sent is unread (back-pressure, as a
/// server's flow control pauses an app whose peer does not read).
///
/// A call ends in one of two ways: the app call ends (``appCallEnded(_:)``), or the client leaves
/// with a failure (``clientLeft(_:)``). Messages sent before either are still read first.
package struct StreamingStateMachine<Waiter> {
    package typealias Next = Result<OutboundEvent?, BridgeFailure>

    /// Unread bytes above which the app's `send()` waits: 1 MiB.
    package static var highWater: Int { 1 << 20 }
    /// Unread bytes at or below which a paused `send()` goes on: 256 KiB.
    package static var lowWater: Int { 1 << 18 }

    /// What the loop does with a message the app sent.
    package enum DeliverAction {
        /// Resume the waiting Swift task with the message.
        case resume(Waiter, OutboundEvent)
        /// Queued; when `pauseApp`, the app's `send()` must wait until ``TakeAction/resumeApp`` says.
        case queued(pauseApp: Bool)
        /// The client has left with a failure: nobody will read it.
        case dropped
    }

    private var events = FIFO<OutboundEvent>()
    private var unreadBytes = 0
    private var appPaused = false
    private var ended: Result<Void, BridgeFailure>?
    private var failure: BridgeFailure?
    private var waiter: Waiter?

    package init() {}

    /// Something is there to take without waiting: a message, the end, or a failure.
    package var isReady: Bool { !events.isEmpty || failure != nil || ended != nil }
    package var isOver: Bool { failure != nil || ended != nil }

    // MARK: Loop side

    /// The app sent `event`.
    package mutating func deliver(_ event: OutboundEvent) -> DeliverAction {
        if let waiter {
            self.waiter = nil
            return .resume(waiter, event)
        }
        guard failure == nil else { return .dropped }
        events.append(event)
        unreadBytes += Self.weight(of: event)
        if !appPaused, unreadBytes > Self.highWater {
            appPaused = true
            return .queued(pauseApp: true)
        }
        return .queued(pauseApp: false)
    }

    /// The app call ended. Returns the waiter to resume, and with what.
    package mutating func appCallEnded(_ result: Result<Void, BridgeFailure>) -> (Waiter, Next)? {
        ended = result
        return takeWaiter(result.map { nil })
    }

    // MARK: Swift side

    /// The client left with `failure` (the first failure wins; after the app call ended, its end
    /// stands). Returns the waiter to fail.
    package mutating func clientLeft(_ failure: BridgeFailure) -> (Waiter, Next)? {
        guard self.failure == nil, ended == nil else { return nil }
        self.failure = failure
        return takeWaiter(.failure(failure))
    }

    /// What the Swift task gets next: a message (or the end, or the failure), and whether a paused
    /// app may send again. Nil when nothing is there; the machine then keeps `waiter` if given.
    package mutating func next(_ waiter: Waiter?) -> (Next, resumeApp: Bool)? {
        if let event = events.popFirst() {
            unreadBytes -= Self.weight(of: event)
            let resume = appPaused && unreadBytes <= Self.lowWater
            if resume { appPaused = false }
            return (.success(event), resume)
        }
        if let failure { return (.failure(failure), false) }
        if let ended { return (ended.map { nil }, false) }
        if let waiter { self.waiter = waiter }
        return nil
    }

    private mutating func takeWaiter(_ next: Next) -> (Waiter, Next)? {
        guard let waiter else { return nil }
        self.waiter = nil
        return (waiter, next)
    }

    /// What a message counts against the high-water mark: its payload, plus a little for the
    /// message itself so that a flood of empty messages is bounded too.
    package static func weight(of event: OutboundEvent) -> Int {
        let overhead = 64
        switch event {
        case .responseBody(let body, _), .websocketResponseBody(let body, _): return overhead + body.count
        case .websocketSend(.bytes(let bytes)): return overhead + bytes.count
        case .websocketSend(.text(let text)): return overhead + text.utf8.count
        default: return overhead
        }
    }
}
