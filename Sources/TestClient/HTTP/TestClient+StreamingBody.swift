public import HTTPTypes
import PyASGIBridge

extension TestClient {
    /// Sends a request whose body comes from an `AsyncSequence` of chunks: one `http.request`
    /// message per chunk with `more_body`, each pulled only when the app calls `receive()` for it
    /// (back-pressure, never drained up front). `Transfer-Encoding: chunked` is sent unless
    /// `headers` has a `Content-Length`.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path, optionally with a query.
    ///   - query: Pairs appended to the query string.
    ///   - headers: Request headers.
    ///   - body: The chunks.
    ///   - timeout: How long the app may take.
    /// - Returns: The whole response.
    /// - Throws: As ``request(_:_:query:headers:body:timeout:followRedirects:)``; an error of the
    ///   sequence fails the request.
    @discardableResult
    public func request<Chunks: AsyncSequence & Sendable>(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        streaming body: Chunks,
        timeout: Duration? = nil
    ) async throws -> TestResponse where Chunks.Element == [UInt8] {
        var headers = headers
        if headers[.contentLength] == nil, headers[.transferEncoding] == nil {
            headers[.transferEncoding] = "chunked"
        }
        let request = ClientRequest(method, path, query: query, headers: headers)
        return try await withAppCall(
            request.label,
            mode: .buffered,
            scope: { () throws(TestClientError) in try httpScope(request) },
            inbound: []
        ) { call in
            // Not a child task: a sequence that ignores cancellation must not hold up the response
            // or its timeout. It is cancelled, not awaited; what it produces later goes nowhere.
            let producer = Task { await Self.feed(call, from: body) }
            defer { producer.cancel() }
            let response = try await call.response(timeout: timeout ?? configuration.timeout)
            storeCookies(response.headers, request: request, scopePath: call.scope.path)
            return TestResponse(response, method: method, path: path, logs: call.logs.records)
        }
    }

    /// Pulls one chunk each time the app waits in `receive()` with nothing queued.
    static func feed<Chunks: AsyncSequence & Sendable>(
        _ call: AppCall,
        from body: Chunks
    ) async where Chunks.Element == [UInt8] {
        do {
            var chunks = body.makeAsyncIterator()
            while await call.waitForDemand() {
                guard let chunk = try await chunks.next() else {
                    call.push(.httpRequest(body: [], moreBody: false))
                    return
                }
                call.push(.httpRequest(body: chunk, moreBody: true))
            }
        } catch {
            call.leave(failing: .connectionClosed(reason: "The request body sequence failed: \(error)"))
        }
    }
}
