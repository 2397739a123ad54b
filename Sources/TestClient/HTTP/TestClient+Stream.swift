public import HTTPTypes
import PyASGIBridge

extension TestClient {
    /// Sends a request and gives `handler` the response as soon as its head arrives, with the body
    /// as an `AsyncSequence` of chunks. Leaving `handler` before the response is complete sends
    /// `http.disconnect` to the app and cancels it; the call returns when the app call has ended.
    /// While `handler` does not read, the app's `send()` waits once about 1 MiB is unread
    /// (back-pressure, as a server's flow control).
    /// - Parameters:
    ///   - path: The path, optionally with a query.
    ///   - method: The method.
    ///   - query: Pairs appended to the query string.
    ///   - headers: Request headers.
    ///   - body: The request body bytes.
    ///   - timeout: How long the head, and then each chunk, may take.
    ///   - isolation: The actor `handler` runs on; the caller's, unless given.
    ///   - fileID: Where the call is made, as its errors name it; the caller's.
    ///   - line: See `fileID`.
    ///   - handler: Reads the response.
    /// - Returns: What `handler` returns.
    /// - Throws: ``TestClientError`` as for a request, and what `handler` throws.
    public func stream<Result>(
        _ path: String,
        method: HTTPRequest.Method = .get,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        isolation: isolated (any Actor)? = #isolation,
        fileID: String = #fileID,
        line: Int = #line,
        _ handler: (StreamedResponse) async throws -> Result
    ) async throws -> Result {
        try await stream(
            path,
            method: method,
            query: query,
            headers: headers,
            body: .raw(body),
            timeout: timeout,
            fileID: fileID,
            line: line,
            handler
        )
    }

    /// Sends a request with a ``RequestBody`` (JSON, a form, a stream, …) and gives `handler` the
    /// response as soon as its head arrives, as
    /// ``stream(_:method:query:headers:body:timeout:isolation:fileID:line:_:)-(_,_,_,_,[UInt8]?,_,_,_,_,_)`` does.
    ///
    /// ```swift
    /// try await client.stream("/chat", method: .post, body: .json(prompt)) { streamed in
    ///     for try await event in streamed.events { print(event.data) }
    /// }
    /// ```
    /// - Parameters:
    ///   - path: The path, optionally with a query.
    ///   - method: The method.
    ///   - query: Pairs appended to the query string.
    ///   - headers: Request headers.
    ///   - body: The request body.
    ///   - timeout: How long the head, and then each chunk, may take.
    ///   - isolation: The actor `handler` runs on; the caller's, unless given.
    ///   - fileID: Where the call is made, as its errors name it; the caller's.
    ///   - line: See `fileID`.
    ///   - handler: Reads the response.
    /// - Returns: What `handler` returns.
    /// - Throws: ``TestClientError`` as for a request, and what `handler` throws.
    public func stream<Result>(
        _ path: String,
        method: HTTPRequest.Method = .get,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        isolation: isolated (any Actor)? = #isolation,
        fileID: String = #fileID,
        line: Int = #line,
        _ handler: (StreamedResponse) async throws -> Result
    ) async throws -> Result {
        let request = ClientRequest(
            method,
            path,
            query: query,
            headers: headers,
            body: body,
            site: CallSite(fileID: fileID, line: line)
        )
        return try await stream(request, timeout: timeout, handler)
    }

    /// Both `stream` methods: the head, the handler, then the end of the app call.
    private func stream<Result>(
        _ request: ClientRequest,
        timeout: Duration?,
        isolation: isolated (any Actor)? = #isolation,
        _ handler: (StreamedResponse) async throws -> Result
    ) async throws -> Result {
        let timeout = timeout ?? configuration.timeout
        return try await CallSite.attach(request.site) {
            try await withHTTPCall(request, mode: .streaming) { call in
                let streamed = try await head(call, request, timeout: timeout)
                let result: Result
                do {
                    result = try await inside(call) { try await handler(streamed) }
                } catch {
                    try? await finishStream(call, streamed, timeout: timeout)
                    throw error
                }
                try await finishStream(call, streamed, timeout: timeout)
                return result
            }
        }
    }

    /// Waits for `http.response.start` (the jar takes the cookies it sets).
    private func head(
        _ call: any ConnectionCall,
        _ request: ClientRequest,
        timeout: Duration
    ) async throws -> StreamedResponse {
        while true {
            switch try await call.nextEvent(timeout: timeout, waitingFor: "http.response.start") {
            case .responseStart(let status, let headers, let trailers)?:
                storeCookies(headers, request: request, scopePath: call.scope.path)
                let progress = StreamProgress(expectTrailers: trailers)
                return StreamedResponse(
                    status: HTTPResponse.Status(code: status, reasonPhrase: ReasonPhrase.standard(status)),
                    headers: HTTPFields(headers),
                    rawHeaders: headers.map { ($0.name, $0.value) },
                    body: StreamedResponse.Body(call: call, timeout: timeout, progress: progress, label: request.label),
                    progress: progress
                )
            case .responseDebug?:
                continue
            case nil:
                throw BridgeFailure.protocolViolation(
                    message: "ASGI callable returned without starting response.",
                    messageType: nil,
                    state: "before http.response.start"
                )
            case let other?:
                throw BridgeFailure.protocolViolation(
                    message: "Expected ASGI message 'http.response.start', but got '\(other.typeName)'.",
                    messageType: other.typeName,
                    state: "before http.response.start"
                )
            }
        }
    }

    /// After the handler: read to the end if the response is complete, else disconnect; then wait
    /// for the app call to end so no task is left running and late exceptions surface.
    private func finishStream(_ call: any ConnectionCall, _ streamed: StreamedResponse, timeout: Duration) async throws
    {
        let leftEarly = !streamed.progress.isComplete
        if leftEarly { call.leave() }
        do {
            while try await call.nextEvent(timeout: timeout, waitingFor: "the app call to end") != nil {}
        } catch BridgeFailure.cancelled where leftEarly {
            // Cancelled after the disconnect, as intended.
        } catch BridgeFailure.appException where leftEarly {
            // The app failed on its way out after the client left; a server would only log it.
        }
    }
}
