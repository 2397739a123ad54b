import HTTPTypes

extension Redirect {
    /// The request that follows a redirect `code` to `location`: the method and body rules of
    /// browsers and httpx, the path resolved against the request's, and the `Host` of another
    /// authority.
    static func follow(
        _ code: Int,
        to location: String,
        from request: ClientRequest,
        client configuration: TestClientConfiguration
    ) -> ClientRequest {
        var next = request
        if (code == 303 && request.method != .head)
            || ((code == 301 || code == 302) && request.method != .get && request.method != .head)
        {
            next.method = .get
            next.body = .empty
            next.headers[.contentType] = nil
            next.headers[.contentLength] = nil
            next.headers[.transferEncoding] = nil
        }
        if let authority = authority(of: location) {
            next.headers[.hostField] = authority == configuration.hostHeader ? nil : authority
        }
        next.path = resolve(location, against: request.path)
        next.query = []
        return next
    }
}
