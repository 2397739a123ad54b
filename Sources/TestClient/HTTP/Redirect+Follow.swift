import HTTPTypes

extension Redirect {
    /// The request that follows a redirect `code` to `location`: the method and body rules of
    /// browsers and httpx, and the target (another origin's as an absolute URL) from ``Redirect``.
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
        let redirect = Redirect(
            location: location,
            from: request.path,
            headers: next.headers,
            base: configuration.origin
        )
        (next.path, next.headers, next.query) = (redirect.target, redirect.headers, [])
        return next
    }
}
