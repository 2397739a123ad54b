import Synchronization

/// One ASGI connection (an app call) as both threads see it: Swift pushes inbound messages and
/// awaits the outcome; the loop thread pulls inbound messages for `receive()` and reports what the
/// app sent. Everything crossing here is a Swift value.
///
/// A buffered connection (a plain HTTP request) reports once, when the app call has finished: one
/// resume of the waiting task per request. A streaming connection (streamed response, websocket,
/// lifespan) reports every message as it comes.
package final class Connection: Sendable {
    package enum Mode: Sendable {
        case buffered
        case streaming
    }

    /// What the loop thread gets when the app calls `receive()`.
    enum InboundPoll {
        case event(InboundEvent)
        /// Nothing yet: the loop must wait for ``Connection/push(_:)``.
        case wait
    }

    package let scope: ConnectionScope
    package let mode: Mode
    let appID: Int
    let runtime: PythonRuntime
    /// Whether the app should get a 500 response rather than raise (buffered HTTP only).
    let raiseAppExceptions: Bool
    /// Whether uppercase response header names break the protocol (else they are lowercased).
    let requireLowercaseHeaderNames: Bool

    private struct State {
        var inbound = FIFO<InboundEvent>()
        /// The client side is gone (closed, timed out, cancelled): `receive()` gives disconnects.
        var clientGone = false
        var loopAwaitsInbound = false
        var outbound = FIFO<OutboundEvent>()
        /// The app call's end (streaming), or the whole response (buffered).
        var ended: Result<Void, BridgeFailure>?
        var response: Result<BufferedResponse, BridgeFailure>?
        var bufferedWaiter: UnsafeContinuation<BufferedResponse, any Error>?
        var eventWaiter: UnsafeContinuation<OutboundEvent?, any Error>?
        /// A failure on the Swift side (timeout, cancel) that ends every later wait.
        var swiftFailure: BridgeFailure?
        /// A request-body producer waiting until the app asks for more.
        var demandWaiter: UnsafeContinuation<Bool, Never>?
        var isOver: Bool { swiftFailure != nil || ended != nil || response != nil }
    }

    private let state: Locked<State>
    /// Set once the outcome of a buffered connection is there, for the short spin before parking.
    private let finished = Atomic<Bool>(false)
    /// Set while a streaming connection has an event (or its end) waiting to be taken.
    private let eventReady = Atomic<Bool>(false)

    init(
        runtime: PythonRuntime,
        appID: Int,
        scope: ConnectionScope,
        mode: Mode,
        inbound: [InboundEvent],
        raiseAppExceptions: Bool,
        requireLowercaseHeaderNames: Bool
    ) {
        self.runtime = runtime
        self.appID = appID
        self.scope = scope
        self.mode = mode
        self.raiseAppExceptions = raiseAppExceptions
        self.requireLowercaseHeaderNames = requireLowercaseHeaderNames
        self.state = Locked(State(inbound: FIFO(inbound)))
    }

    // MARK: Swift side

    /// Queues a message for the app's `receive()`.
    package func push(_ event: InboundEvent) {
        let wake = state.withLock { state -> Bool in
            state.inbound.append(event)
            defer { state.loopAwaitsInbound = false }
            return state.loopAwaitsInbound
        }
        if wake { runtime.submit(.inboundReady(self)) }
    }

    /// Waits until the app is waiting in `receive()` with nothing queued: the moment to produce the
    /// next chunk of a streamed request body. False once the connection is over.
    package func waitForDemand() async -> Bool {
        await withUnsafeContinuation { continuation in
            let ready = state.withLock { state -> Bool? in
                if state.isOver || state.clientGone { return false }
                if state.loopAwaitsInbound, state.inbound.isEmpty { return true }
                state.demandWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The client leaves without failing its waits (a stream read only partly): the app gets a
    /// disconnect from `receive()` and its task is cancelled; ``nextEvent(timeout:waitingFor:)``
    /// then runs to the end of the app call.
    package func disconnect() {
        let producer = state.withLock { state -> UnsafeContinuation<Bool, Never>? in
            state.clientGone = true
            defer { state.demandWaiter = nil }
            return state.demandWaiter
        }
        producer?.resume(returning: false)
        runtime.submit(.abort(self))
    }

    /// Ends the client side: the app gets a disconnect from `receive()`, and its task is cancelled
    /// shortly after. Every wait on this connection fails with `failure`.
    package func abort(_ failure: BridgeFailure) {
        let waiters = state.withLock { state in
            if state.swiftFailure == nil { state.swiftFailure = failure }
            state.clientGone = true
            let waiters = (state.bufferedWaiter, state.eventWaiter, state.demandWaiter)
            state.bufferedWaiter = nil
            state.eventWaiter = nil
            state.demandWaiter = nil
            if state.response == nil { state.response = .failure(failure) }
            return waiters
        }
        let (buffered, event, producer) = (waiters.0, waiters.1, waiters.2)
        producer?.resume(returning: false)
        finished.store(true, ordering: .releasing)
        eventReady.store(true, ordering: .releasing)
        buffered?.resume(throwing: failure)
        event?.resume(throwing: failure)
        runtime.submit(.abort(self))
    }

    /// The whole response of a buffered connection, once the app call has finished.
    package func response(timeout: Duration?) async throws -> BufferedResponse {
        if Spin.wait(until: { finished.load(ordering: .acquiring) }),
            let result = state.withLock({ $0.response })
        {
            return try result.get()
        }
        return try await wait(timeout: timeout, waitingFor: "the response") { continuation in
            state.withLock { state -> Result<BufferedResponse, BridgeFailure>? in
                if let result = state.response { return result }
                state.bufferedWaiter = continuation
                return nil
            }
        }
    }

    /// The next message the app sent (streaming connections); nil once the app call has ended
    /// cleanly after its last message.
    package func nextEvent(timeout: Duration?, waitingFor: String) async throws -> OutboundEvent? {
        if Spin.wait(until: { eventReady.load(ordering: .acquiring) }), let ready = takeEvent() {
            return try ready.get()
        }
        return try await wait(timeout: timeout, waitingFor: waitingFor) { continuation in
            state.withLock { state -> Result<OutboundEvent?, BridgeFailure>? in
                if let ready = takeEvent(&state) { return ready }
                state.eventWaiter = continuation
                return nil
            }
        }
    }

    /// The next event without waiting, if there is one (or the end).
    private func takeEvent() -> Result<OutboundEvent?, BridgeFailure>? {
        state.withLock { takeEvent(&$0) }
    }

    private func takeEvent(_ state: inout State) -> Result<OutboundEvent?, BridgeFailure>? {
        if let event = state.outbound.popFirst() {
            if state.outbound.isEmpty, state.ended == nil, state.swiftFailure == nil {
                eventReady.store(false, ordering: .relaxed)
            }
            return .success(event)
        }
        if let failure = state.swiftFailure { return .failure(failure) }
        if let ended = state.ended { return ended.map { nil } }
        eventReady.store(false, ordering: .relaxed)
        return nil
    }

    /// Parks the task until `install` finds a result or stores the continuation, with a deadline
    /// and cancellation that both abort the connection.
    private func wait<T>(
        timeout: Duration?,
        waitingFor: String,
        install: (UnsafeContinuation<T, any Error>) -> Result<T, BridgeFailure>?
    ) async throws -> T {
        let alarm = timeout.map { timeout in
            Watchdog.shared.schedule(after: timeout) { [self] in
                abort(.timeout(waitingFor: waitingFor, seconds: timeout.seconds))
            }
        }
        defer { if let alarm { Watchdog.shared.cancel(alarm) } }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                if let ready = install(continuation) {
                    continuation.resume(with: ready)
                }
            }
        } onCancel: {
            abort(.cancelled)
        }
    }

    // MARK: Loop side (called on the loop thread)

    func pollInbound() -> InboundPoll {
        let (poll, producer) = state.withLock { state -> (InboundPoll, UnsafeContinuation<Bool, Never>?) in
            if let event = state.inbound.popFirst() {
                return (.event(event), nil)
            }
            if state.clientGone { return (.event(disconnectEvent), nil) }
            state.loopAwaitsInbound = true
            defer { state.demandWaiter = nil }
            return (.wait, state.demandWaiter)
        }
        producer?.resume(returning: true)
        return poll
    }

    /// After the response is complete (or the client went away) the app's `receive()` gets this.
    var disconnectEvent: InboundEvent {
        switch scope.kind {
        case .http: .httpDisconnect
        case .websocket: .websocketDisconnect(code: 1005, reason: "")
        case .lifespan: .lifespanShutdown
        }
    }

    var isClientGone: Bool { state.withLock { $0.clientGone } }

    /// Marks the client side as gone from the loop's side (HTTP response complete).
    func markClientGone() {
        let producer = state.withLock { state in
            state.clientGone = true
            defer { state.demandWaiter = nil }
            return state.demandWaiter
        }
        producer?.resume(returning: false)
    }

    /// Streaming: one message from the app.
    func deliver(_ event: OutboundEvent) {
        let waiter = state.withLock { state -> UnsafeContinuation<OutboundEvent?, any Error>? in
            if let waiter = state.eventWaiter {
                state.eventWaiter = nil
                return waiter
            }
            if state.swiftFailure == nil {
                state.outbound.append(event)
                eventReady.store(true, ordering: .releasing)
            }
            return nil
        }
        waiter?.resume(returning: event)
    }

    /// Streaming: the app call ended.
    func end(_ result: Result<Void, BridgeFailure>) {
        let (waiter, producer) = state.withLock { state in
            state.ended = result
            eventReady.store(true, ordering: .releasing)
            defer {
                state.eventWaiter = nil
                state.demandWaiter = nil
            }
            return (state.eventWaiter, state.demandWaiter)
        }
        producer?.resume(returning: false)
        waiter?.resume(with: result.map { nil })
    }

    /// Buffered: the app call ended with this outcome.
    func complete(_ result: Result<BufferedResponse, BridgeFailure>) {
        let (waiter, producer) = state.withLock {
            state -> (UnsafeContinuation<BufferedResponse, any Error>?, UnsafeContinuation<Bool, Never>?) in
            defer { state.demandWaiter = nil }
            guard state.response == nil else { return (nil, state.demandWaiter) }
            state.response = result
            defer { state.bufferedWaiter = nil }
            return (state.bufferedWaiter, state.demandWaiter)
        }
        producer?.resume(returning: false)
        finished.store(true, ordering: .releasing)
        waiter?.resume(with: result.mapError { $0 })
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Connection {
    /// Loop side: the app call ended. Buffered connections get the response; streaming ones the end.
    func finish(_ result: Result<BufferedResponse, BridgeFailure>) {
        switch mode {
        case .buffered: complete(result)
        case .streaming: end(result.map { _ in () })
        }
    }
}

/// A first-in first-out queue over an array: pops move a head index, and the storage is reused
/// once it has been emptied.
struct FIFO<Element> {
    private var items: [Element]
    private var head = 0

    init(_ items: [Element] = []) {
        self.items = items
    }

    var isEmpty: Bool { head == items.count }

    mutating func append(_ item: Element) {
        items.append(item)
    }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return item
    }
}
