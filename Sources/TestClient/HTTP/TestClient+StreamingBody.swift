import PyASGIBridge

extension TestClient {
    /// Opens the app call of an HTTP request (through ``withAppCall(_:mode:scope:inbound:isolation:_:)``)
    /// and sends the app the request's body: a body given whole is its first `receive()`; a
    /// streamed one is pulled a chunk each time the app asks, by a task of its own.
    /// - Parameters:
    ///   - request: The request.
    ///   - mode: Buffered (a whole response) or streaming (message by message).
    ///   - isolation: The actor `body` runs on.
    ///   - body: Drives the call.
    func withHTTPCall<Result>(
        _ request: ClientRequest,
        mode: AppCall.Mode,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any ConnectionCall) async throws -> Result
    ) async throws -> Result {
        let chunks = request.body.chunks
        return try await withAppCall(
            request.label,
            mode: mode,
            scope: { () throws(TestClientError) in try httpScope(request) },
            inbound: chunks == nil ? [.httpRequest(body: request.body.bytes, moreBody: false)] : []
        ) { call in
            // Not a child task: a sequence that ignores cancellation must not hold up the response
            // or its timeout. It is cancelled, not awaited; what it produces later goes nowhere.
            let producer = chunks.map { chunks in Task { await Self.feed(call, from: chunks) } }
            defer { producer?.cancel() }
            return try await body(call)
        }
    }

    /// Pulls one chunk each time the app waits in `receive()` with nothing queued.
    static func feed<Chunks: AsyncSequence & Sendable>(
        _ call: any ConnectionCall,
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
