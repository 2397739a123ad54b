internal import CPython

/// The loop thread's half of one app call (its Swift half is ``AppCall``): the Python task, the
/// futures waiting in `receive()`, the protocol state, a `send()` paused by back-pressure, and
/// (buffered mode) the response as it is gathered. Never leaves the loop thread; a capsule keeps it
/// alive as long as the app's `receive`/`send` functions exist.
final class LoopAppCall {
    let call: AppCall
    unowned let context: LoopContext
    var task: PyPointer?
    /// The app call has ended (``finished(exception:result:cancelled:)`` ran); with an eagerly
    /// started task that can happen before the task is handed back.
    private(set) var hasEnded = false
    private var waiting: [PyPointer] = []
    private var protocolState: ProtocolState
    private var violation: BridgeFailure?
    private var response = BufferedResponse(status: 0, headers: [])
    /// Whether the app's spec version (2.4 and later) has `send()` raise after a disconnect:
    /// worked out only when a send comes after one, not for every call.
    private var isDisconnectAware: Bool {
        Self.specAtLeast(call.scope.specVersion, major: 2, minor: 4)
    }
    /// The futures back-pressured `send()`s returned; resolved when the Swift side has read enough.
    /// More than one when the app sends from several tasks and the mark is crossed again before the
    /// loop ran the resume.
    private var pausedSends: [PyPointer] = []
    /// The bridge cancelled the task because the client left (timeout, cancellation, disconnect).
    /// A `CancelledError` without this mark is the app's own: an app exception, as uvicorn treats it.
    private var cancelledByClient = false
    /// A websocket `send()` was refused because the test had closed the socket: what the app raises
    /// from then on (Starlette turns the refusal into `WebSocketDisconnect`) is the close's doing,
    /// as the client leaving a stream early is, not an app fault.
    private var sendRefusedAfterClose = false
    /// Sends answered as no-ops after the client left (before spec 2.4).
    private var noOpSends = 0

    init(call: AppCall, context: LoopContext) {
        self.call = call
        self.context = context
        self.protocolState = ProtocolState(kind: call.scope.kind, extensions: call.scope.extensions)
    }

    private static func specAtLeast(_ version: String, major: Int, minor: Int) -> Bool {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        let have = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
        return have >= (major, minor)
    }

    func capsule() -> PyPointer? {
        // Retained: the capsule owns one reference, released by its destructor
        // (``Callbacks/releaseLoopAppCall``) when Python drops `receive`/`send`/`report`.
        PyCapsule_New(Unmanaged.passRetained(self).toOpaque(), nil, Callbacks.releaseLoopAppCall)
    }

    // MARK: receive

    func receive() -> PyPointer? {
        if waiting.isEmpty, case .event(let event) = call.pollInbound() {
            return completedFuture(event)
        }
        guard let future = PyObject_CallNoArgs(context.createFuture) else { return nil }
        // One reference goes to the app, one stays in `waiting` until the future is resolved,
        // which may happen right here if a message came in since the poll above.
        waiting.append(Py_NewRef(future))
        if waiting.count == 1 { deliverInbound() }
        return future
    }

    private func completedFuture(_ event: InboundEvent) -> PyPointer? {
        observe(event)
        guard let message = PyRef(owned: message(event)),
            let future = PyObject_CallNoArgs(context.createFuture)
        else { return nil }
        guard PyRef(owned: Py.callMethod(future, context.keys.setResult, message.pointer)) != nil else {
            Py_DecRef(future)
            return nil
        }
        return future
    }

    /// The dict `receive()` returns for `event`.
    private func message(_ event: InboundEvent) -> PyPointer? {
        guard let account = call.options.account else { return context.scopes.message(event) }
        let start = CallAccount.now()
        defer { account.builtMessage(since: start) }
        return context.scopes.message(event)
    }

    private func observe(_ event: InboundEvent) {
        if case .lifespanShutdown = event { protocolState.shutdownRequested() }
    }

    /// Hands queued inbound messages to the futures the app is awaiting, in order.
    func deliverInbound() {
        while let future = waiting.first {
            if Py.truth(owned: Py.callMethod(future, context.keys.done)) ?? true {
                PyErr_Clear()
                waiting.removeFirst()
                Py_DecRef(future)
                continue
            }
            guard case .event(let event) = call.pollInbound() else { return }
            observe(event)
            waiting.removeFirst()
            defer { Py_DecRef(future) }
            guard let message = PyRef(owned: message(event)),
                PyRef(owned: Py.callMethod(future, context.keys.setResult, message.pointer)) != nil
            else {
                PyErr_Clear()
                continue
            }
        }
    }

    // MARK: send

    func send(_ message: PyPointer) -> PyPointer? {
        let clientGone = !protocolState.isComplete && call.isClientGone
        // A websocket app may still close a socket the client closed, as a server lets it.
        if clientGone, call.scope.kind != .websocket { return refuseAfterDisconnect() }
        let event: OutboundEvent
        let account = call.options.account
        let parseStart = account == nil ? 0 : CallAccount.now()
        let parsed = context.parser.parse(
            message,
            state: protocolState.phase.rawValue,
            lowercaseNames: call.options.requireLowercaseHeaderNames
        )
        account?.parsed(since: parseStart)
        switch parsed {
        case .event(let parsed): event = parsed
        case .invalid(let failure): return reject(failure)
        }
        if clientGone {
            guard case .websocketClose = event else {
                sendRefusedAfterClose = true
                return refuseAfterDisconnect()
            }
        }
        if let failure = protocolState.accept(event) { return reject(failure) }
        return record(event) ? pauseSend() : Py_NewRef(context.doneFuture)
    }

    /// The client went away. Spec 2.4: send raises an OSError subclass; before it, a no-op.
    private func refuseAfterDisconnect() -> PyPointer? {
        if isDisconnectAware {
            shim_Err_SetString(context.clientDisconnected, "The client disconnected.")
            return nil
        }
        noOpSends += 1
        return noOpSends > Self.noOpSendsBeforeYielding ? yieldingNoOp() : Py_NewRef(context.doneFuture)
    }

    /// No-op sends that return at once, as a server's do. An already-done future does not yield to
    /// the loop, so an app sending in a loop to nobody (a generator streaming after the disconnect)
    /// would never let its cancellation in: an endless one would hold the loop thread, and every
    /// test in the process, forever. Later no-op sends yield once each.
    private static var noOpSendsBeforeYielding: Int { 16 }

    /// A future resolved on the loop's next step (unless the app's task was cancelled meanwhile).
    private func yieldingNoOp() -> PyPointer? {
        guard let future = PyObject_CallNoArgs(context.createFuture) else { return nil }
        guard PyRef(owned: Py.call(context.callSoon, context.resolveLaterFunction, future)) != nil else {
            PyErr_Clear()
            Py_DecRef(future)
            return Py_NewRef(context.doneFuture)
        }
        return future
    }

    /// Raises the violation in the app (as a server's `send` does) and keeps it for the Swift side,
    /// which fails even if the app swallows the exception.
    private func reject(_ failure: BridgeFailure) -> PyPointer? {
        if violation == nil { violation = failure }
        if case .protocolViolation(let message, _, _) = failure {
            shim_Err_SetString(shim_Exc_RuntimeError(), message)
        }
        return nil
    }

    /// Keeps (buffered) or hands over (streaming) what the app sent. True when the app must wait.
    private func record(_ event: OutboundEvent) -> Bool {
        var pause = false
        switch (call.options.mode, event) {
        case (.buffered, .responseStart(let status, let headers, _)):
            response.status = status
            response.headers = headers
        case (.buffered, .responseBody(let body, _)):
            if call.scope.method != "HEAD" {
                if response.body.isEmpty { response.body = body } else { response.body += body }
            }
        case (.buffered, .responseTrailers(let headers, _)):
            response.trailers += headers
        case (.buffered, .responseDebug(let info)):
            response.debugInfo = info
        case (.buffered, _):
            break
        case (.streaming, _):
            pause = call.deliver(event)
        }
        if call.scope.kind != .lifespan, protocolState.isComplete {
            // After the response (or the app's websocket close), `receive()` answers a disconnect.
            call.responseCompleted()
            deliverInbound()
        }
        return pause
    }

    /// A future the app's `send()` awaits until ``resumeSend()``.
    private func pauseSend() -> PyPointer? {
        guard let future = PyObject_CallNoArgs(context.createFuture) else { return nil }
        pausedSends.append(Py_NewRef(future))
        return future
    }

    /// The Swift side has read enough (or left): paused `send()`s return.
    func resumeSend() {
        let futures = pausedSends
        pausedSends.removeAll()
        for future in futures {
            defer { Py_DecRef(future) }
            if Py.truth(owned: Py.callMethod(future, context.keys.done)) == false {
                if PyRef(owned: Py.callMethod(future, context.keys.setResult, shim_None())) == nil { PyErr_Clear() }
            }
        }
    }

    // MARK: end of the app call

    /// The client left: the app sees the disconnect first, then its task is cancelled.
    func cancel() {
        deliverInbound()
        resumeSend()
        guard let task, let cancel = PyRef(owned: PyObject_GetAttr(task, context.keys.cancel)) else {
            PyErr_Clear()
            return
        }
        cancelledByClient = true
        // After the futures' callbacks: the app sees the disconnect first, then is cancelled.
        if PyRef(owned: Py.call(context.callSoon, cancel.pointer)) == nil { PyErr_Clear() }
    }

    /// The app call ended (reported by the glue's `run_app` from inside the task).
    func finished(exception: PyPointer?, result: PyPointer, cancelled: Bool) {
        call.options.account?.mark(.appEnded)
        hasEnded = true
        context.calls.removeValue(forKey: ObjectIdentifier(call))
        // A task the app left behind that still calls `receive()` gets a disconnect, not a hang.
        call.responseCompleted()
        let outcome = outcome(exception: exception, result: result, cancelled: cancelled)
        Py_DecRef(task)
        task = nil
        resumeSend()
        for future in waiting { Py_DecRef(future) }
        waiting.removeAll()
        if call.options.mode == .streaming, case .success(let response) = outcome, response.status != 0 {
            // A server's 500 for an app that raised before starting a streamed response.
            _ = call.deliver(.responseStart(status: response.status, headers: response.headers, trailers: false))
            _ = call.deliver(.responseBody(body: response.body, moreBody: false))
        }
        call.appCallEnded(outcome)
        if call.options.account != nil { context.lastHandover = CallAccount.now() }
    }

    /// How the app call ended: the gathered response (buffered), a server's 500 (status set, also
    /// for streaming), or a failure.
    private func outcome(
        exception: PyPointer?,
        result: PyPointer,
        cancelled: Bool
    ) -> Result<BufferedResponse, BridgeFailure> {
        if cancelled, cancelledByClient || exception == nil { return .failure(.cancelled) }
        if let violation { return .failure(violation) }
        if exception != nil, sendRefusedAfterClose { return .success(BufferedResponse(status: 0, headers: [])) }
        // As uvicorn: once the client has gone, an app that stops (returning, or letting the error
        // `send()` raised after the disconnect out) is no error, however far its response got.
        let clientLeft = call.hasClientLeft
        if let exception, clientLeft, PyObject_IsInstance(exception, context.clientDisconnected) == 1 {
            return .success(completed)
        }
        if let exception {
            if call.scope.kind == .http, !call.options.raiseAppExceptions {
                context.log("Exception in ASGI application\n" + context.describe(exception).traceback)
                // As a server: the app raised before the response started, so it gets a 500; after
                // the response was complete (Starlette's error middleware sends its 500, then
                // re-raises), the response stands and the exception is only logged.
                if !protocolState.isHTTPStarted {
                    return .success(.internalServerError(head: call.scope.method == "HEAD"))
                }
                if protocolState.isComplete { return .success(completed) }
            }
            return .failure(.appException(context.describe(exception)))
        }
        if Py_IsNone(result) == 0 {
            return violation("ASGI callable should return None, but returned '\(Py.describe(result))'.")
        }
        if call.scope.kind == .http, !clientLeft, !protocolState.isHTTPStarted {
            return violation("ASGI callable returned without starting response.")
        }
        if call.scope.kind == .http, !clientLeft, !protocolState.isComplete {
            return violation("ASGI callable returned without completing response.")
        }
        return .success(completed)
    }

    /// The outcome of a call whose response is complete: the gathered response (buffered), or the
    /// plain end of the call (streaming: the messages were handed over already).
    private var completed: BufferedResponse {
        call.options.mode == .buffered ? response : BufferedResponse(status: 0, headers: [])
    }

    private func violation(_ message: String) -> Result<BufferedResponse, BridgeFailure> {
        .failure(.protocolViolation(message: message, messageType: nil, state: protocolState.phase.rawValue))
    }
}

extension BufferedResponse {
    /// What uvicorn answers when the app raised before starting the response.
    static func internalServerError(head: Bool) -> BufferedResponse {
        BufferedResponse(
            status: 500,
            headers: [
                HeaderField("content-type", "text/plain; charset=utf-8"),
                HeaderField("connection", "close"),
            ],
            body: head ? [] : Array("Internal Server Error".utf8)
        )
    }
}
