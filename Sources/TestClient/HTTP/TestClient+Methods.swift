public import Foundation
public import HTTPTypes

// The per-method shortcuts. Arguments follow an HTTP message: path, `query:`, `headers:`, then the
// body (`body:`, `json:` or `form:`), then options.

extension TestClient {
    /// Sends a request with any method and returns the whole response.
    /// - Parameters:
    ///   - method: The method, such as `.get` or `.init("PROPFIND")!`.
    ///   - path: The path, optionally with a query (`/items?q=a`), kept byte for byte.
    ///   - query: Pairs appended to the query string, percent-encoded.
    ///   - headers: Request headers; they replace the client's default headers of the same name.
    ///   - body: The body bytes.
    ///   - timeout: How long the app may take; the client's default when nil.
    ///   - followRedirects: Whether to follow redirects; the client's default when nil.
    /// - Returns: The response.
    /// - Throws: ``TestClientError`` for a bad request, an app exception, a protocol violation or a
    ///   timeout; `CancellationError` when the task is cancelled.
    @discardableResult
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        try await execute(method, path, query, headers, .raw(body), timeout, followRedirects)
    }

    /// Sends a request whose body is `value` encoded as JSON (`Content-Type: application/json`
    /// unless `headers` sets one).
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path, optionally with a query.
    ///   - query: Pairs appended to the query string.
    ///   - headers: Request headers.
    ///   - json: Any `Encodable` value.
    ///   - encoder: The encoder to use.
    ///   - timeout: How long the app may take.
    ///   - followRedirects: Whether to follow redirects; the client's default when nil.
    /// - Returns: The response.
    /// - Throws: As ``request(_:_:query:headers:body:timeout:followRedirects:)``, and `EncodingError`.
    @discardableResult
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        encoder: JSONEncoder = JSONEncoder(),
        timeout: Duration? = nil,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        try await execute(method, path, query, headers, .json(json, encoder: encoder), timeout, followRedirects)
    }

    /// Sends a request whose body is `form`, `application/x-www-form-urlencoded`, in order.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path, optionally with a query.
    ///   - query: Pairs appended to the query string.
    ///   - headers: Request headers.
    ///   - form: The fields, in order; names may repeat.
    ///   - timeout: How long the app may take.
    ///   - followRedirects: Whether to follow redirects; the client's default when nil.
    /// - Returns: The response.
    /// - Throws: As ``request(_:_:query:headers:body:timeout:followRedirects:)``.
    @discardableResult
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        try await execute(method, path, query, headers, .form(form), timeout, followRedirects)
    }

    /// Sends a request whose body is `multipart/form-data`: fields and files together, in order.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path, optionally with a query.
    ///   - query: Pairs appended to the query string.
    ///   - headers: Request headers.
    ///   - multipart: The parts.
    ///   - timeout: How long the app may take.
    ///   - followRedirects: Whether to follow redirects; the client's default when nil.
    /// - Returns: The response.
    /// - Throws: As ``request(_:_:query:headers:body:timeout:followRedirects:)``.
    @discardableResult
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        try await execute(method, path, query, headers, .multipart(multipart), timeout, followRedirects)
    }

    /// Sends `POST` with a multipart/form-data body.
    @discardableResult
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.post, path, query, headers, .multipart(multipart), timeout)
    }

    /// Sends `PUT` with a multipart/form-data body.
    @discardableResult
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.put, path, query, headers, .multipart(multipart), timeout)
    }

    /// Sends `PATCH` with a multipart/form-data body.
    @discardableResult
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.patch, path, query, headers, .multipart(multipart), timeout)
    }

    /// Sends `GET`.
    @discardableResult
    public func get(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.get, path, query, headers, .empty, timeout)
    }

    /// Sends `HEAD`; the response has no body.
    @discardableResult
    public func head(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.head, path, query, headers, .empty, timeout)
    }

    /// Sends `OPTIONS`.
    @discardableResult
    public func options(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.options, path, query, headers, .empty, timeout)
    }

    /// Sends `POST` with raw bytes (or no body).
    @discardableResult
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.post, path, query, headers, .raw(body), timeout)
    }

    /// Sends `POST` with a JSON body.
    @discardableResult
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.post, path, query, headers, .json(json), timeout)
    }

    /// Sends `POST` with a url-encoded form.
    @discardableResult
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.post, path, query, headers, .form(form), timeout)
    }

    /// Sends `PUT` with raw bytes (or no body).
    @discardableResult
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.put, path, query, headers, .raw(body), timeout)
    }

    /// Sends `PUT` with a JSON body.
    @discardableResult
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.put, path, query, headers, .json(json), timeout)
    }

    /// Sends `PUT` with a url-encoded form.
    @discardableResult
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.put, path, query, headers, .form(form), timeout)
    }

    /// Sends `PATCH` with raw bytes (or no body).
    @discardableResult
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.patch, path, query, headers, .raw(body), timeout)
    }

    /// Sends `PATCH` with a JSON body.
    @discardableResult
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.patch, path, query, headers, .json(json), timeout)
    }

    /// Sends `PATCH` with a url-encoded form.
    @discardableResult
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.patch, path, query, headers, .form(form), timeout)
    }

    /// Sends `DELETE` with raw bytes (or no body).
    @discardableResult
    public func delete(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.delete, path, query, headers, .raw(body), timeout)
    }

    /// Sends `DELETE` with a JSON body.
    @discardableResult
    public func delete(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await execute(.delete, path, query, headers, .json(json), timeout)
    }

    /// Every method above in one line: the request, then ``execute(_:timeout:followRedirects:)``.
    private func execute(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ query: [(String, String)],
        _ headers: HTTPFields,
        _ body: @autoclosure () throws -> RequestBody,
        _ timeout: Duration?,
        _ followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        let request = ClientRequest(method, path, query: query, headers: headers, body: try body())
        return try await execute(request, timeout: timeout, followRedirects: followRedirects)
    }
}
