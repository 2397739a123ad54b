import PyASGIBridge

extension TestClient {
    /// The one way into the app: every request, streamed response, streamed upload and websocket of
    /// this client opens its app call here. It builds the scope, refuses the call once the client is
    /// closing, registers it so that `close()` can wait for it, labels every error with the request,
    /// and makes sure the call is over for the app when `body` returns or throws.
    /// - Parameters:
    ///   - label: The request as errors name it (`GET /items`, `WEBSOCKET /ws`).
    ///   - mode: Buffered (a whole response) or streaming (message by message).
    ///   - scope: Builds the scope; its errors (an invalid path, a bad header) are labelled too.
    ///   - inbound: What the app's first `receive()` calls get.
    ///   - isolation: The actor `body` runs on.
    ///   - body: Drives the call.
    func withAppCall<Result>(
        _ label: String,
        mode: AppCall.Mode,
        scope: () throws(TestClientError) -> ConnectionScope,
        inbound: [InboundEvent],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any ConnectionCall) async throws -> Result
    ) async throws -> Result {
        let account = CallAccount.start()
        let call: any ConnectionCall
        do {
            let scope = try scope()
            var options = callOptions(mode, label: label)
            options.account = account
            call = try calls.open(label) { open(scope, inbound: inbound, options: options) }
        } catch {
            throw TestClientError.from(error, request: label)
        }
        defer {
            if !call.isOver { call.leave() }
            calls.remove(call)
            account?.finish()
        }
        do {
            return try await body(call)
        } catch {
            throw TestClientError.from(error, request: label, logs: call.logs)
        }
    }

    /// How this client's calls run: the configuration's switches, and where the app's records go
    /// (this client's log, echoed after the running test's name, else `label`).
    func callOptions(_ mode: AppCall.Mode, label: String) -> AppCallOptions {
        configuration.callOptions(mode, label: label, logs: logSink)
    }

    /// Runs `body` (a test's stream or websocket closure) marked as inside `call`, so that `close()`
    /// called from it ends this call instead of waiting for it.
    func inside<Result>(
        _ call: any ConnectionCall,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await CurrentAppCall.$value.withValue(CurrentAppCall.Value(client: ObjectIdentifier(self), call: call)) {
            try await body()
        }
    }

    /// Stores the cookies a response sets (when the client keeps cookies): buffered, streamed and
    /// redirected responses all come through here.
    func storeCookies(_ headers: [HeaderField], request: ClientRequest, scopePath: String) {
        guard configuration.useCookies else { return }
        for header in headers where header.name.elementsEqual("set-cookie".utf8) {
            cookies.setCookie(
                from: String(decoding: header.value, as: UTF8.self),
                requestHost: cookieHost(request.headers, origin: RequestTarget.origin(of: request.path)),
                requestPath: scopePath
            )
        }
    }
}

extension TestClientConfiguration {
    /// See ``TestClient/callOptions(_:label:)``; `logs` receives the records.
    func callOptions(_ mode: AppCall.Mode, label: String, logs: LogSink) -> AppCallOptions {
        var options = AppCallOptions(
            mode: mode,
            raiseAppExceptions: raiseAppExceptions,
            requireLowercaseHeaderNames: requireLowercaseHeaderNames
        )
        options.logLevel = logLevel?.value
        // The running test is looked up now (a task-local read); its name is made only for an echo.
        if echoAppLogs {
            let test = TestScope.current
            options.echoPrefix = { @Sendable () -> String in TestScope.name(of: test) ?? label }
        }
        options.clientLogs = logs
        return options
    }
}
