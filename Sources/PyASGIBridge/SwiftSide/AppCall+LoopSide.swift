import Synchronization

/// What the loop thread's ``LoopAppCall`` calls on its Swift half. Each takes the lock, asks a
/// machine, releases the lock, then acts (resumes a Swift task); none of them blocks.
extension AppCall {
    /// The app calls `receive()`: a message, or `.wait` until ``push(_:)`` wakes the loop.
    func pollInbound() -> InboundStateMachine<Producer>.Poll {
        let (poll, producer) = state.withLock { $0.inbound.poll() }
        producer?.resume(returning: true)
        return poll
    }

    /// Whether the client side is gone (it left, or the response is complete).
    var isClientGone: Bool { state.withLock { $0.inbound.clientGone } }

    /// Whether the client itself left before the call ended (see ``InboundStateMachine/clientLeft``).
    var hasClientLeft: Bool { state.withLock { $0.inbound.clientLeft } }

    /// The response is complete (or the app closed its websocket): from now on `receive()` gives
    /// the disconnect message, and a request-body producer stops.
    func responseCompleted() {
        state.withLock { $0.inbound.clientLeaves() }?.resume(returning: false)
    }

    /// Streaming: one message from the app. True when the app's `send()` must now wait for the
    /// Swift side to read (back-pressure); ``PythonRuntime/Command/resumeSend(_:)`` ends the wait.
    func deliver(_ event: OutboundEvent) -> Bool {
        let action = state.withLock { state in
            defer { ready.store(state.streaming.isReady, ordering: .releasing) }
            return state.streaming.deliver(event)
        }
        switch action {
        case .resume(let waiter, let event):
            waiter.resume(returning: event)
            return false
        case .queued(let pauseApp):
            return pauseApp
        case .dropped:
            return false
        }
    }

    /// The app call ended with `outcome` (for a streaming call, only success or failure counts).
    func appCallEnded(_ outcome: Result<BufferedResponse, BridgeFailure>) {
        let (producer, buffered, streaming) = state.withLock { state in
            (
                state.inbound.clientLeaves(),
                options.mode == .buffered ? state.buffered.appCallEnded(outcome) : nil,
                options.mode == .streaming ? state.streaming.appCallEnded(outcome.map { _ in () }) : nil
            )
        }
        producer?.resume(returning: false)
        options.account?.mark(.handedOver)
        ready.store(true, ordering: .releasing)
        if let buffered { buffered.0.resume(with: buffered.1.mapError { $0 }) }
        if let streaming { streaming.0.resume(with: streaming.1.mapError { $0 }) }
        _ = appTaskEnded.resume(with: .success(()))
    }
}
