#if Live
import PyASGIBridge

/// One connection of a live client: the ``ConnectionCall`` that `TestClient` drives, over a socket
/// to a real server. A task of its own (`pump`) does the I/O: it pulls what the client pushed
/// (request-body chunks, websocket frames) when the socket wants it, and queues what the server
/// sends as ASGI messages, a few at a time (a slow reader holds the server back, as with a socket).
final class LiveConnection: ConnectionCall {
    typealias Outcome = Result<OutboundEvent?, BridgeFailure>

    fileprivate struct State {
        var inbound: [InboundEvent]
        var inboundWaiter: CheckedContinuation<InboundEvent?, Never>?
        var demandWaiter: CheckedContinuation<Bool, Never>?
        /// What the server sent and the client has not taken; nil is the end.
        var events: [OutboundEvent?] = []
        var eventWaiter: CheckedContinuation<Outcome, Never>?
        /// The pump, waiting for the client to take some events.
        var pumpWaiter: CheckedContinuation<Void, Never>?
        var failure: BridgeFailure?
        /// The end (or a failure) is queued: the pump will queue nothing more.
        var finished = false
        /// The client took the end.
        var tookEnd = false
        var left = false
        var logsDelivered = false
        var pump: Task<Void, Never>?
    }

    /// How many events the pump queues before it waits for the client.
    private static let window = 8

    let scope: ConnectionScope
    let options: AppCallOptions
    let target: LiveTarget
    private let logStart: Int
    private let state: Locked<State>

    init(
        target: LiveTarget,
        scope: ConnectionScope,
        inbound: [InboundEvent],
        options: AppCallOptions,
        run: @escaping @Sendable (LiveConnection) async throws -> Void
    ) {
        self.target = target
        self.scope = scope
        self.options = options
        self.logStart = target.server?.log.count ?? 0
        self.state = Locked(State(inbound: inbound))
        let pump = Task { [self] in
            do {
                try await run(self)
            } catch {
                if state.withLock({ $0.left }) {
                    // The client left and closed the connection: as an app call that ends after a
                    // disconnect, the connection ends without a failure.
                    await emit(nil)
                } else {
                    let failure = await target.failure(for: error, logs: logs)
                    deliverLogs()
                    fail(failure)
                }
            }
            deliverLogs()
        }
        state.withLock { $0.pump = pump }
    }

    var isOver: Bool {
        state.withLock { $0.failure != nil || $0.tookEnd }
    }

    var logs: [LogEntry] {
        target.server?.log.records(from: logStart) ?? []
    }

    // MARK: Inbound (the client pushes, the pump pulls)

    func push(_ event: InboundEvent) {
        let waiter = state.withLock { state -> CheckedContinuation<InboundEvent?, Never>? in
            guard !state.left else { return nil }
            if let waiter = state.inboundWaiter {
                state.inboundWaiter = nil
                return waiter
            }
            state.inbound.append(event)
            return nil
        }
        waiter?.resume(returning: event)
    }

    func waitForDemand() async -> Bool {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool? in
                if state.left || state.finished { return false }
                if state.inboundWaiter != nil { return true }
                state.demandWaiter = continuation
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// The next message the client pushed, waiting for it (and telling a waiting producer that one
    /// is wanted); nil once the client has left, or when the waiting task is cancelled (the
    /// response ended before the request body did).
    func nextInbound() async -> InboundEvent? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (now, producer) = state.withLock { state -> (InboundEvent??, CheckedContinuation<Bool, Never>?) in
                    if !state.inbound.isEmpty { return (.some(state.inbound.removeFirst()), nil) }
                    if state.left || Task.isCancelled { return (.some(nil), nil) }
                    state.inboundWaiter = continuation
                    defer { state.demandWaiter = nil }
                    return (nil, state.demandWaiter)
                }
                producer?.resume(returning: true)
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            // Checked under the lock above: either the waiter is stored and resumed here, or the
            // wait saw the cancellation and did not store it.
            let waiter = state.withLock { state in
                defer { state.inboundWaiter = nil }
                return state.inboundWaiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Hands the server's records of this call to the client's log, once: before the end or the
    /// failure reaches the client, so that its `logs` have them when the call returns.
    private func deliverLogs() {
        guard let clientLogs = options.clientLogs else { return }
        let first = state.withLock { state in
            defer { state.logsDelivered = true }
            return !state.logsDelivered
        }
        if first {
            for entry in logs { clientLogs.append(entry) }
        }
    }

    // MARK: Outbound (the pump emits, the client takes)

    /// Queues what the server sent; waits while the client is a window behind.
    func emit(_ event: OutboundEvent?) async {
        if event == nil { deliverLogs() }
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            guard !state.finished else { return nil }
            if event == nil { state.finished = true }
            if let waiter = state.eventWaiter {
                state.eventWaiter = nil
                if event == nil { state.tookEnd = true }
                return waiter
            }
            state.events.append(event)
            return nil
        }
        if let waiter {
            waiter.resume(returning: .success(event))
            return
        }
        await withCheckedContinuation { continuation in
            let full = state.withLock { state in
                guard state.events.count >= Self.window, !state.left, state.failure == nil else { return false }
                state.pumpWaiter = continuation
                return true
            }
            if !full { continuation.resume() }
        }
    }

    /// The connection failed: every wait fails with `failure`, once the events queued before it are
    /// taken.
    func fail(_ failure: BridgeFailure) {
        let waiters = state.withLock { state -> Waiters in
            guard !state.finished else { return Waiters() }
            state.failure = state.failure ?? failure
            state.finished = true
            return state.takeWaiters()
        }
        waiters.resume(failure: failure)
    }

    func leave(failing failure: BridgeFailure?) {
        let (waiters, pump) = state.withLock { state -> (Waiters, Task<Void, Never>?) in
            state.left = true
            if let failure, state.failure == nil, !state.tookEnd {
                state.failure = failure
                state.finished = true
                state.events = []
            }
            var waiters = state.takeWaiters()
            if state.failure == nil {
                // No failure: a waiting reader gets what the connection ends with.
                state.eventWaiter = waiters.event
                waiters.event = nil
            }
            return (waiters, state.pump)
        }
        waiters.resume(failure: failure ?? .connectionClosed(reason: "The client left."))
        pump?.cancel()
    }

    func waitForAppTask(timeout: Duration) async {
        guard let pump = state.withLock({ $0.pump }) else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pump.value }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    func nextEvent(timeout: Duration?, waitingFor: String) async throws -> OutboundEvent? {
        try await waiting(timeout: timeout, for: waitingFor) { await self.take() }
    }

    func response(timeout: Duration?) async throws -> BufferedResponse {
        try await waiting(timeout: timeout, for: "the response") { await self.gather() }
    }

    private func take() async -> Outcome {
        await withCheckedContinuation { continuation in
            let (now, pump) = state.withLock { state -> (Outcome?, CheckedContinuation<Void, Never>?) in
                // What the server sent before the connection failed is the client's first (as
                // in-process, the chunks an app sent before it raised); a client that left gets the
                // failure at once.
                if let failure = state.failure, state.left || state.events.isEmpty {
                    return (.failure(failure), nil)
                }
                let pump = state.pumpWaiter
                state.pumpWaiter = nil
                if !state.events.isEmpty {
                    let event = state.events.removeFirst()
                    if event == nil { state.tookEnd = true }
                    return (.success(event), pump)
                }
                if state.tookEnd { return (.success(nil), pump) }
                state.eventWaiter = continuation
                return (nil, pump)
            }
            pump?.resume()
            if let now { continuation.resume(returning: now) }
        }
    }

    /// A whole response, from the events of the connection.
    private func gather() async -> Result<BufferedResponse, BridgeFailure> {
        var response: BufferedResponse?
        while true {
            switch await take() {
            case .failure(let failure):
                return .failure(failure)
            case .success(.responseStart(let status, let headers, _)):
                response = BufferedResponse(status: status, headers: headers)
            case .success(.responseBody(let chunk, _)):
                response?.body += chunk
            case .success(nil):
                guard let response else {
                    return .failure(.connectionClosed(reason: "The server at \(target.baseURL) sent no response."))
                }
                return .success(response)
            case .success(.some):
                continue
            }
        }
    }

    /// Runs `body` with a deadline and cancellation that both make the client leave with a failure.
    private func waiting<T>(
        timeout: Duration?,
        for what: String,
        _ body: () async -> Result<T, BridgeFailure>
    ) async throws -> T {
        let alarm = timeout.map { timeout in
            Watchdog.shared.schedule(after: timeout) { [weak self] in
                self?.leave(failing: .timeout(waitingFor: what, seconds: timeout.seconds))
            }
        }
        defer { if let alarm { Watchdog.shared.cancel(alarm) } }
        let result = await withTaskCancellationHandler {
            await body()
        } onCancel: {
            leave(failing: .cancelled)
        }
        return try result.get()
    }
}

/// The continuations a failure or a leave resumes, taken out of the lock.
private struct Waiters {
    var inbound: CheckedContinuation<InboundEvent?, Never>?
    var demand: CheckedContinuation<Bool, Never>?
    var event: CheckedContinuation<LiveConnection.Outcome, Never>?
    var pump: CheckedContinuation<Void, Never>?

    func resume(failure: BridgeFailure) {
        inbound?.resume(returning: nil)
        demand?.resume(returning: false)
        event?.resume(returning: .failure(failure))
        pump?.resume()
    }
}

extension LiveConnection.State {
    fileprivate mutating func takeWaiters() -> Waiters {
        defer {
            inboundWaiter = nil
            demandWaiter = nil
            eventWaiter = nil
            pumpWaiter = nil
        }
        return Waiters(inbound: inboundWaiter, demand: demandWaiter, event: eventWaiter, pump: pumpWaiter)
    }
}
#endif
