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
    public func request<Chunks: AsyncSequence & Sendable>(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        streaming body: Chunks,
        timeout: Duration? = nil
    ) async throws -> TestResponse where Chunks.Element == [UInt8] {
        let label = "\(method.rawValue) \(path)"
        var headers = headers
        if headers[.contentLength] == nil, headers[.transferEncoding] == nil {
            headers[.transferEncoding] = "chunked"
        }
        do {
            let scope = try httpScope(method, path, query: query, headers: headers, body: .empty)
            let connection = runtime.open(
                app: appID,
                scope: scope,
                mode: .buffered,
                inbound: [],
                raiseAppExceptions: configuration.raiseAppExceptions,
                requireLowercaseHeaderNames: configuration.requireLowercaseHeaderNames
            )
            let response = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        var chunks = body.makeAsyncIterator()
                        while await connection.waitForDemand() {
                            guard let chunk = try await chunks.next() else {
                                connection.push(.httpRequest(body: [], moreBody: false))
                                return
                            }
                            connection.push(.httpRequest(body: chunk, moreBody: true))
                        }
                    } catch {
                        connection.abort(.connectionClosed(reason: "The request body sequence failed: \(error)"))
                    }
                }
                defer { group.cancelAll() }
                return try await connection.response(timeout: timeout ?? configuration.timeout)
            }
            return received(response, method: method, path: path, headers: headers, scopePath: scope.path)
        } catch {
            throw TestClientError.from(error, request: label)
        }
    }
}
