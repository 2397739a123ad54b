import Synchronization

/// The Swift half of one app call (one ASGI connection: an HTTP request, a websocket, a lifespan
/// run). Its loop-thread half is ``LoopAppCall``. Everything crossing between them is a Swift value.
///
/// Swift pushes inbound messages and awaits the outcome; the loop thread polls inbound messages for
/// `receive()` and reports what the app sent. The state lives in pure machines
/// (``InboundStateMachine``, ``BufferedStateMachine``, ``StreamingStateMachine``); every method here
/// takes the lock, asks a machine, releases the lock, then acts on the answer (resumes a task, wakes
/// the loop).
///
/// A buffered call (a plain HTTP request) is resumed once, when the app call has finished: one
/// resume of the waiting task per request. A streaming call hands over each message as it comes.
package final class AppCall: Sendable {
    package enum Mode: Sendable {
        /// The loop gathers the whole HTTP response and hands it over when the app call ends.
        case buffered
        /// Each message the app sends is handed over as it comes.
        case streaming
    }

    package let scope: ConnectionScope
    package let options: AppCallOptions
    let appID: Int
    let runtime: PythonRuntime

    // A continuation is resumed exactly once: the machines hand each stored waiter out in exactly
    // one action and forget it, and actions run outside the lock. Unsafe (not Checked)
    // continuations because they sit on the path of every request.
    typealias ResponseWaiter = UnsafeContinuation<BufferedResponse, any Error>
    typealias EventWaiter = UnsafeContinuation<OutboundEvent?, any Error>
    typealias Producer = UnsafeContinuation<Bool, Never>

    struct State {
        var inbound: InboundStateMachine<Producer>
        var buffered = BufferedStateMachine<ResponseWaiter>()
        var streaming = StreamingStateMachine<EventWaiter>()
        /// What the app logged, printed or warned during the call.
        var logs: [LogEntry] = []
    }

    let state: Locked<State>
    /// Settled when the app's task for this call has ended, which may be well after the call ended
    /// for the client (a call the client left goes on until the app sees the disconnect or its
    /// cancellation).
    let appTaskEnded = OneShot<Void>()
    /// Set when an outcome (buffered) or an event (streaming) can be taken without waiting: what the
    /// short spin before parking looks at, without the lock.
    let ready = Atomic<Bool>(false)

    init(runtime: PythonRuntime, appID: Int, scope: ConnectionScope, inbound: [InboundEvent], options: AppCallOptions) {
        self.runtime = runtime
        self.appID = appID
        self.scope = scope
        self.options = options
        self.state = Locked(State(inbound: InboundStateMachine(inbound, disconnect: scope.disconnectEvent)))
    }

    /// Whether the call is over for the Swift side (the app call ended, or the client left with a failure).
    package var isOver: Bool {
        state.withLock { options.mode == .buffered ? $0.buffered.isOver : $0.streaming.isOver }
    }

    // MARK: Logs

    /// What the app logged, printed or warned during the call so far.
    package var logs: [LogEntry] {
        state.withLock { $0.logs }
    }

    /// The app logged `entry` during this call (on whichever thread it logs on).
    func captured(_ entry: LogEntry, echo: Bool) {
        state.withLock { $0.logs.append(entry) }
        options.clientLogs?.append(entry)
        if echo, let prefix = options.echoPrefix { LogEcho.echo(entry, prefix: prefix()) }
    }

    // MARK: Inbound

    /// Queues a message for the app's `receive()`.
    package func push(_ event: InboundEvent) {
        if state.withLock({ $0.inbound.push(event) }) {
            runtime.submit(.inboundReady(self))
        }
    }

    /// Waits until the app waits in `receive()` with nothing queued: the moment to produce the next
    /// chunk of a streamed request body. False once the call is over for the client.
    package func waitForDemand() async -> Bool {
        // Unsafe continuation: resumed once, by whichever action the machine hands it to.
        await withUnsafeContinuation { producer in
            if let now = state.withLock({ $0.inbound.waitForDemand(producer) }) {
                producer.resume(returning: now)
            }
        }
    }

    // MARK: The client leaves

    /// The client leaves. The app gets a disconnect from `receive()` and its task is cancelled
    /// right after. With a `failure`, every wait on this call fails with it; without one (a stream
    /// read only partly), waits go on to the end of the app call.
    package func leave(failing failure: BridgeFailure? = nil) {
        typealias Waiters = (
            Producer?, (ResponseWaiter, BufferedStateMachine<ResponseWaiter>.Outcome)?,
            (EventWaiter, StreamingStateMachine<EventWaiter>.Next)?
        )
        let (producer, buffered, streaming) = state.withLock { state -> Waiters in
            let producer = state.inbound.clientLeaves(left: true)
            guard let failure else { return (producer, nil, nil) }
            return (producer, state.buffered.clientLeft(failure), state.streaming.clientLeft(failure))
        }
        producer?.resume(returning: false)
        if failure != nil { ready.store(true, ordering: .releasing) }
        if let buffered { buffered.0.resume(with: buffered.1.mapError { $0 }) }
        if let streaming { streaming.0.resume(with: streaming.1.mapError { $0 }) }
        runtime.submit(.cancel(self))
    }

    /// Waits until the app's task for this call has ended, at most `timeout`: what a server's
    /// shutdown waits for before it runs lifespan shutdown. Called once per call.
    package func waitForAppTask(timeout: Duration) async {
        let alarm = Watchdog.shared.schedule(after: timeout) { [appTaskEnded] in
            _ = appTaskEnded.resume(
                with: .failure(.timeout(waitingFor: "the app call to end", seconds: timeout.seconds))
            )
        }
        defer { Watchdog.shared.cancel(alarm) }
        _ = try? await appTaskEnded.value()
    }

    // MARK: Outbound

    /// The whole response of a buffered call, once the app call has ended.
    /// Spins first (see ``Spin``), and parks at once when the loop has gone idle without the response (the app awaits I/O, a timer or a
    /// thread): spinning would only burn a core.
    package func response(timeout: Duration?) async throws -> BufferedResponse {
        let account = options.account
        account?.mark(.waiting)
        let spun = Spin.wait(
            until: { ready.load(ordering: .acquiring) },
            giveUp: { runtime.loopIsIdle }
        )
        account?.mark(.spinEnded)
        if spun, let outcome = state.withLock({ $0.buffered.ready }) {
            account?.mark(.resumed)
            return try outcome.get()
        }
        account?.parked()
        let response = try await wait(timeout: timeout, waitingFor: "the response") { (waiter: ResponseWaiter) in
            state.withLock { $0.buffered.wait(waiter) }
        }
        account?.mark(.resumed)
        return response
    }

    /// The next message the app sent (streaming calls); nil once the app call has ended cleanly
    /// after its last message.
    package func nextEvent(timeout: Duration?, waitingFor: String) async throws -> OutboundEvent? {
        if Spin.wait(until: { ready.load(ordering: .acquiring) }, giveUp: { runtime.loopIsIdle }), let next = take(nil)
        {
            return try next.get()
        }
        return try await wait(timeout: timeout, waitingFor: waitingFor) { (waiter: EventWaiter) in
            take(waiter)
        }
    }

    /// The next event if there is one (keeping `waiter` otherwise); resumes a paused app when enough
    /// has been read.
    private func take(_ waiter: EventWaiter?) -> Result<OutboundEvent?, BridgeFailure>? {
        let taken = state.withLock { state in
            defer { ready.store(state.streaming.isReady, ordering: .relaxed) }
            return state.streaming.next(waiter)
        }
        guard let taken else { return nil }
        if taken.resumeApp { runtime.submit(.resumeSend(self)) }
        return taken.0
    }

    /// Parks the task until `install` finds a result or keeps the continuation, with a deadline and
    /// cancellation that both make the client leave with a failure.
    private func wait<T>(
        timeout: Duration?,
        waitingFor: String,
        install: (UnsafeContinuation<T, any Error>) -> Result<T, BridgeFailure>?
    ) async throws -> T {
        let alarm = timeout.map { timeout in
            Watchdog.shared.schedule(after: timeout) { [self] in
                leave(failing: .timeout(waitingFor: waitingFor, seconds: timeout.seconds))
            }
        }
        defer { if let alarm { Watchdog.shared.cancel(alarm) } }
        return try await withTaskCancellationHandler {
            // Unsafe continuation: resumed once, here or by the one action the machine hands it to.
            try await withUnsafeThrowingContinuation { continuation in
                if let now = install(continuation) {
                    continuation.resume(with: now.mapError { $0 })
                }
            }
        } onCancel: {
            leave(failing: .cancelled)
        }
    }
}

extension ConnectionScope {
    /// What `receive()` gives once the client is gone.
    var disconnectEvent: InboundEvent {
        switch kind {
        case .http: .httpDisconnect
        case .websocket: .websocketDisconnect(code: 1005, reason: "")
        case .lifespan: .lifespanShutdown
        }
    }
}
