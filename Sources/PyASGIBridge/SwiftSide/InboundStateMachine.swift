/// The inbound half of one app call, as a pure state machine: what the app's `receive()` gets, and
/// when a streamed request body may produce its next chunk. It holds no lock and does no I/O; the
/// owner (``AppCall``) takes its lock, asks the machine, releases the lock, then acts on the answer.
///
/// `Producer` is whatever wakes a request-body producer waiting for demand (a continuation in
/// ``AppCall``, a plain value in the unit tests).
package struct InboundStateMachine<Producer> {
    /// What `receive()` gets on the loop thread.
    package enum Poll: Equatable {
        case event(InboundEvent)
        /// Nothing queued: the app waits until ``push(_:)`` wakes the loop.
        case wait
    }

    private var queue: FIFO<InboundEvent>
    /// The app waits in `receive()` with nothing queued (the loop must be woken by a push).
    private var appWaiting = false
    private var producer: Producer?
    /// The client side is gone (it left, or the response is complete, or the app call ended):
    /// `receive()` gives the disconnect message once the queue is empty.
    package private(set) var clientGone = false
    /// The client itself left (a stream left early, a timeout, a cancellation), as opposed to the
    /// response being complete: after that, an app that stops without completing its response
    /// is no error, as for a server whose client disconnected.
    package private(set) var clientLeft = false
    private let disconnect: InboundEvent

    package init(_ first: [InboundEvent], disconnect: InboundEvent) {
        self.queue = FIFO(first)
        self.disconnect = disconnect
    }

    // MARK: Swift side

    /// Queues a message; true when the loop must be woken to hand it to a waiting `receive()`.
    package mutating func push(_ event: InboundEvent) -> Bool {
        queue.append(event)
        // The test closed its websocket: as a server's once the peer's close frame is in, the app's
        // later sends are refused (spec 2.4) or dropped, so an app that never reads cannot go on
        // flooding a socket nobody reads.
        if case .websocketDisconnect = event { clientGone = true }
        defer { appWaiting = false }
        return appWaiting
    }

    /// A producer asks whether the app wants the next chunk: true (now), false (never: the call is
    /// over), or nil when the machine keeps `producer` until the app asks or the call ends.
    package mutating func waitForDemand(_ producer: Producer) -> Bool? {
        if clientGone { return false }
        if appWaiting, queue.isEmpty { return true }
        self.producer = producer
        return nil
    }

    /// The client leaves (`left`), or the call is over for it: later polls give the disconnect
    /// message. Returns a waiting producer, to be told there is no more demand.
    package mutating func clientLeaves(left: Bool = false) -> Producer? {
        clientGone = true
        if left { clientLeft = true }
        defer { producer = nil }
        return producer
    }

    // MARK: Loop side

    /// The app calls `receive()`. Returns what it gets, and a producer to wake (there is demand).
    package mutating func poll() -> (Poll, wake: Producer?) {
        if let event = queue.popFirst() { return (.event(event), nil) }
        if clientGone { return (.event(disconnect), nil) }
        appWaiting = true
        defer { producer = nil }
        return (.wait, producer)
    }
}
