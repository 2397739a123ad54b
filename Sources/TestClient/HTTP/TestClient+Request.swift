import HTTPTypes
import PyASGIBridge

extension TestClient {
    /// The request every public request method forwards to: one exchange, and the redirects it leads
    /// to when followed (301/302 turn a non-GET/HEAD into a GET without body, 303 turns anything but
    /// HEAD into GET, 307/308 keep method and body). A streamed body is read once: a redirect that
    /// would send it again is returned, not followed.
    func execute(
        _ request: ClientRequest,
        timeout: Duration?,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        var request = request
        var response = try await exchange(request, timeout: timeout)
        guard followRedirects ?? configuration.followRedirects else { return response }
        var history: [TestResponse] = []
        while let location = response.redirectLocation {
            guard history.count < configuration.maxRedirects else {
                throw TestClientError(
                    .tooManyRedirects,
                    "Exceeded \(configuration.maxRedirects) redirects; the last was \(response.status.code) to \(location).",
                    request: request.label
                )
            }
            let next = Redirect.follow(response.status.code, to: location, from: request, client: configuration)
            if next.body.chunks != nil { break }
            request = next
            history.append(response)
            response = try await exchange(request, timeout: timeout)
        }
        response.history = history
        return response
    }

    /// One buffered exchange: the app gets the request's body as ``withHTTPCall(_:mode:isolation:_:)``
    /// sends it, and the task is resumed once, with the whole response, when the app call ends.
    private func exchange(_ request: ClientRequest, timeout: Duration?) async throws -> TestResponse {
        try await withHTTPCall(request, mode: .buffered) { call in
            let response = try await call.response(timeout: timeout ?? configuration.timeout)
            storeCookies(response.headers, request: request, scopePath: call.scope.path)
            let value = TestResponse(response, method: request.method, path: request.path, logs: call.logs.records)
            call.options.account?.mark(.built)
            return value
        }
    }
}
