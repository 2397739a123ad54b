internal import CPython

/// The loop thread's half of a ``Connection``: the Python task, futures waiting in `receive()`,
/// the protocol state, and (buffered mode) the response as it is gathered. Never leaves the loop
/// thread; a capsule keeps it alive as long as the app's `receive`/`send` functions exist.
final class PyConnection {
    let connection: Connection
    unowned let context: LoopContext
    var task: PyPointer?
    private var waiting: [PyPointer] = []
    private var protocolState: ProtocolState
    private var violation: BridgeFailure?
    private var response = BufferedResponse(status: 0, headers: [])
    private let isDisconnectAware: Bool

    init(connection: Connection, context: LoopContext) {
        self.connection = connection
        self.context = context
        self.protocolState = ProtocolState(kind: connection.scope.kind, extensions: connection.scope.extensions)
        self.isDisconnectAware = Self.specAtLeast(connection.scope.specVersion, major: 2, minor: 4)
    }

    private static func specAtLeast(_ version: String, major: Int, minor: Int) -> Bool {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        let have = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
        return have >= (major, minor)
    }

    func capsule() -> PyPointer? {
        PyCapsule_New(Unmanaged.passRetained(self).toOpaque(), nil, Callbacks.releaseCapsule)
    }

    // MARK: receive

    func receive() -> PyPointer? {
        if waiting.isEmpty, case .event(let event) = connection.pollInbound() {
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
        guard let message = PyRef(owned: context.scopes.message(event)),
            let future = PyObject_CallNoArgs(context.createFuture)
        else { return nil }
        guard PyRef(owned: Py.callMethod(future, context.keys.setResult, message.pointer)) != nil else {
            Py_DecRef(future)
            return nil
        }
        return future
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
            guard case .event(let event) = connection.pollInbound() else { return }
            observe(event)
            waiting.removeFirst()
            defer { Py_DecRef(future) }
            guard let message = PyRef(owned: context.scopes.message(event)),
                PyRef(owned: Py.callMethod(future, context.keys.setResult, message.pointer)) != nil
            else {
                PyErr_Clear()
                continue
            }
        }
    }

    // MARK: send

    func send(_ message: PyPointer) -> PyPointer? {
        if !protocolState.isComplete, connection.isClientGone {
            // The client went away. Spec 2.4: send raises an OSError subclass; before it, a no-op.
            if isDisconnectAware {
                shim_Err_SetString(context.clientDisconnected, "The client disconnected.")
                return nil
            }
            return Py_NewRef(context.doneFuture)
        }
        let event: OutboundEvent
        switch context.parser.parse(
            message,
            state: protocolState.phase.rawValue,
            lowercaseNames: connection.requireLowercaseHeaderNames
        ) {
        case .event(let parsed): event = parsed
        case .invalid(let failure): return reject(failure)
        }
        if let failure = protocolState.accept(event) { return reject(failure) }
        record(event)
        return Py_NewRef(context.doneFuture)
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

    private func record(_ event: OutboundEvent) {
        switch (connection.mode, event) {
        case (.buffered, .responseStart(let status, let headers, _)):
            response.status = status
            response.headers = headers
        case (.buffered, .responseBody(let body, _)):
            if connection.scope.method != "HEAD" {
                if response.body.isEmpty { response.body = body } else { response.body += body }
            }
        case (.buffered, .responseTrailers(let headers, _)):
            response.trailers += headers
        case (.buffered, .responseDebug(let info)):
            response.debugInfo = info
        case (.buffered, _):
            break
        case (.streaming, _):
            connection.deliver(event)
        }
        if connection.scope.kind != .lifespan, protocolState.isComplete {
            // After the response (or the app's websocket close), `receive()` answers a disconnect.
            connection.markClientGone()
            deliverInbound()
        }
    }

    // MARK: end of the app call

    func abort() {
        deliverInbound()
        guard let task, let cancel = PyRef(owned: PyObject_GetAttr(task, context.keys.cancel)) else {
            PyErr_Clear()
            return
        }
        // After the futures' callbacks: the app sees the disconnect first, then is cancelled.
        if PyRef(owned: Py.call(context.callSoon, cancel.pointer)) == nil { PyErr_Clear() }
    }

    /// The app call ended (reported by the glue's `run_app` from inside the task).
    func finished(exception: PyPointer?, result: PyPointer, cancelled: Bool) {
        context.connections.removeValue(forKey: ObjectIdentifier(connection))
        // A task the app left behind that still calls `receive()` gets a disconnect, not a hang.
        connection.markClientGone()
        let outcome = outcome(exception: exception, result: result, cancelled: cancelled)
        Py_DecRef(task)
        task = nil
        for future in waiting { Py_DecRef(future) }
        waiting.removeAll()
        connection.finish(outcome)
    }

    private func outcome(
        exception: PyPointer?,
        result: PyPointer,
        cancelled: Bool
    ) -> Result<BufferedResponse, BridgeFailure> {
        if cancelled {
            return .failure(.cancelled)
        }
        if let violation { return .failure(violation) }
        if let exception {
            let info = context.describe(exception)
            if connection.scope.kind == .http, !protocolState.isHTTPStarted, !connection.raiseAppExceptions {
                // What uvicorn answers when the app raised before starting the response.
                return .success(
                    BufferedResponse(
                        status: 500,
                        headers: [
                            HeaderField("content-type", "text/plain; charset=utf-8"),
                            HeaderField("connection", "close"),
                        ],
                        body: connection.scope.method == "HEAD" ? [] : Array("Internal Server Error".utf8)
                    )
                )
            }
            return .failure(.appException(info))
        }
        if Py_IsNone(result) == 0 {
            return .failure(
                .protocolViolation(
                    message: "ASGI callable should return None, but returned '\(Py.describe(result))'.",
                    messageType: nil,
                    state: protocolState.phase.rawValue
                )
            )
        }
        if connection.scope.kind == .http {
            if !protocolState.isHTTPStarted {
                return .failure(
                    .protocolViolation(
                        message: "ASGI callable returned without starting response.",
                        messageType: nil,
                        state: protocolState.phase.rawValue
                    )
                )
            }
            if !protocolState.isComplete {
                return .failure(
                    .protocolViolation(
                        message: "ASGI callable returned without completing response.",
                        messageType: nil,
                        state: protocolState.phase.rawValue
                    )
                )
            }
        }
        return .success(response)
    }
}
