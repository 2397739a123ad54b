public import HTTPTypes

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

// The per-method shortcuts. Arguments follow an HTTP message: path, `query:`, `headers:`, then the
// body (`body:`, `json:` or `form:`), then options.

extension TestClient {
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
        try await send(
            method,
            path,
            query: query,
            headers: headers,
            body: .json(json, encoder: encoder),
            timeout: timeout,
            followRedirects: followRedirects
        )
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
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        try await send(
            method,
            path,
            query: query,
            headers: headers,
            body: .form(form),
            timeout: timeout,
            followRedirects: followRedirects
        )
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
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        try await send(
            method,
            path,
            query: query,
            headers: headers,
            body: .multipart(multipart),
            timeout: timeout,
            followRedirects: followRedirects
        )
    }

    /// Sends `POST` with a multipart/form-data body.
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.post, path, query: query, headers: headers, multipart: multipart, timeout: timeout)
    }

    /// Sends `PUT` with a multipart/form-data body.
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.put, path, query: query, headers: headers, multipart: multipart, timeout: timeout)
    }

    /// Sends `PATCH` with a multipart/form-data body.
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        multipart: [MultipartPart],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.patch, path, query: query, headers: headers, multipart: multipart, timeout: timeout)
    }

    /// Sends `GET`.
    public func get(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.get, path, query: query, headers: headers, timeout: timeout)
    }

    /// Sends `HEAD`; the response has no body.
    public func head(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.head, path, query: query, headers: headers, timeout: timeout)
    }

    /// Sends `OPTIONS`.
    public func options(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.options, path, query: query, headers: headers, timeout: timeout)
    }

    /// Sends `POST` with raw bytes (or no body).
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.post, path, query: query, headers: headers, body: body, timeout: timeout)
    }

    /// Sends `POST` with a JSON body.
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.post, path, query: query, headers: headers, json: json, timeout: timeout)
    }

    /// Sends `POST` with a url-encoded form.
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.post, path, query: query, headers: headers, form: form, timeout: timeout)
    }

    /// Sends `PUT` with raw bytes (or no body).
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.put, path, query: query, headers: headers, body: body, timeout: timeout)
    }

    /// Sends `PUT` with a JSON body.
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.put, path, query: query, headers: headers, json: json, timeout: timeout)
    }

    /// Sends `PUT` with a url-encoded form.
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.put, path, query: query, headers: headers, form: form, timeout: timeout)
    }

    /// Sends `PATCH` with raw bytes (or no body).
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.patch, path, query: query, headers: headers, body: body, timeout: timeout)
    }

    /// Sends `PATCH` with a JSON body.
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.patch, path, query: query, headers: headers, json: json, timeout: timeout)
    }

    /// Sends `PATCH` with a url-encoded form.
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        form: [(String, String)],
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.patch, path, query: query, headers: headers, form: form, timeout: timeout)
    }

    /// Sends `DELETE` with raw bytes (or no body).
    public func delete(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.delete, path, query: query, headers: headers, body: body, timeout: timeout)
    }

    /// Sends `DELETE` with a JSON body.
    public func delete(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        json: some Encodable & Sendable,
        timeout: Duration? = nil
    ) async throws -> TestResponse {
        try await request(.delete, path, query: query, headers: headers, json: json, timeout: timeout)
    }
}
