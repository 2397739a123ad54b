public import Foundation
public import HTTPTypes

// Every way of sending a request, one primitive and its conveniences. Each verb has the same two
// forms as `request`: one that takes a ``RequestBody`` value, and one that takes the body as
// `body:` bytes, `json:`, `form:` or `multipart:`. Arguments follow an HTTP message: path, `query:`,
// `headers:`, then the body, then options.

extension TestClient {
    /// Sends a request and returns the whole response: the one call every other request method of
    /// the client forwards to.
    ///
    /// ```swift
    /// let response = try await client.request(.post, "/items", body: .json(item, encoder: encoder))
    /// ```
    /// - Parameters:
    ///   - method: The method, such as `.get` or `.init("PROPFIND")!`.
    ///   - path: The path, optionally with a query (`/items?q=a`), kept byte for byte; or an absolute
    ///     URL for another origin.
    ///   - query: Pairs appended to the query string, percent-encoded.
    ///   - headers: Request headers; they replace the client's ``headers`` of the same name.
    ///   - body: The body.
    ///   - timeout: How long the app may take; the client's default when nil.
    ///   - followRedirects: Whether to follow redirects; the client's default when nil.
    ///   - fileID: Where the call is made, as its errors name it; the caller's.
    ///   - line: See `fileID`.
    /// - Returns: The response.
    /// - Throws: ``TestClientError`` for a bad request, an app exception, a protocol violation or a
    ///   timeout; `CancellationError` when the task is cancelled.
    @discardableResult
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        let site = CallSite(fileID: fileID, line: line)
        let request = ClientRequest(method, path, query: query, headers: headers, body: body, site: site)
        return try await site.attach { try await execute(request, timeout: timeout, followRedirects: followRedirects) }
    }

    /// Sends a request with any method, its body given as bytes, JSON, a form or multipart parts
    /// (at most one of them), and returns the whole response.
    ///
    /// ```swift
    /// try await client.request(.init("PROPFIND")!, "/dav", headers: [.init("Depth")!: "1"])
    /// ```
    /// - Parameters:
    ///   - method: The method, such as `.get` or `.init("PROPFIND")!`.
    ///   - path: The path, optionally with a query (`/items?q=a`), kept byte for byte.
    ///   - query: Pairs appended to the query string, percent-encoded.
    ///   - headers: Request headers; they replace the client's ``headers`` of the same name.
    ///   - body: Raw bytes, sent with no `Content-Type`.
    ///   - json: Any `Encodable` value, sent as JSON (`Content-Type: application/json`).
    ///   - encoder: The encoder for `json`; a new `JSONEncoder()` when nil.
    ///   - form: Fields, in order, `application/x-www-form-urlencoded`.
    ///   - multipart: Fields and files, `multipart/form-data`.
    ///   - timeout: How long the app may take; the client's default when nil.
    ///   - followRedirects: Whether to follow redirects; the client's default when nil.
    ///   - fileID: Where the call is made, as its errors name it; the caller's.
    ///   - line: See `fileID`.
    /// - Returns: The response.
    /// - Throws: ``TestClientError/Code/invalidRequest`` when more than one body is given, `EncodingError`
    ///   when `json` cannot be encoded, else as ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        let payload: RequestBody
        do {
            payload = try RequestBody.one(
                of: body,
                json: json,
                encoder: encoder,
                form: form,
                multipart: multipart,
                "\(method.rawValue) \(path)"
            )
        } catch var error as TestClientError {
            error.location = CallSite(fileID: fileID, line: line).description
            throw error
        }
        return try await request(
            method,
            path,
            query: query,
            headers: headers,
            body: payload,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `GET` with a ``RequestBody``. The parameters are those of
    /// ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func get(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .get,
            path,
            query: query,
            headers: headers,
            body: body,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `GET`, with a body given as bytes, JSON, a form or multipart parts (at most one).
    /// The parameters are those of
    /// ``request(_:_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func get(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .get,
            path,
            query: query,
            headers: headers,
            body: body,
            json: json,
            encoder: encoder,
            form: form,
            multipart: multipart,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `HEAD` with a ``RequestBody``. The response has no body. The parameters are those of
    /// ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func head(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .head,
            path,
            query: query,
            headers: headers,
            body: body,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `HEAD`, with a body given as bytes, JSON, a form or multipart parts (at most one). The response has no body.
    /// The parameters are those of
    /// ``request(_:_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func head(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .head,
            path,
            query: query,
            headers: headers,
            body: body,
            json: json,
            encoder: encoder,
            form: form,
            multipart: multipart,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `OPTIONS` with a ``RequestBody``. The parameters are those of
    /// ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func options(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .options,
            path,
            query: query,
            headers: headers,
            body: body,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `OPTIONS`, with a body given as bytes, JSON, a form or multipart parts (at most one).
    /// The parameters are those of
    /// ``request(_:_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func options(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .options,
            path,
            query: query,
            headers: headers,
            body: body,
            json: json,
            encoder: encoder,
            form: form,
            multipart: multipart,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `POST` with a ``RequestBody``. The parameters are those of
    /// ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .post,
            path,
            query: query,
            headers: headers,
            body: body,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `POST`, with a body given as bytes, JSON, a form or multipart parts (at most one).
    /// The parameters are those of
    /// ``request(_:_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func post(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .post,
            path,
            query: query,
            headers: headers,
            body: body,
            json: json,
            encoder: encoder,
            form: form,
            multipart: multipart,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `PUT` with a ``RequestBody``. The parameters are those of
    /// ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .put,
            path,
            query: query,
            headers: headers,
            body: body,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `PUT`, with a body given as bytes, JSON, a form or multipart parts (at most one).
    /// The parameters are those of
    /// ``request(_:_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func put(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .put,
            path,
            query: query,
            headers: headers,
            body: body,
            json: json,
            encoder: encoder,
            form: form,
            multipart: multipart,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `PATCH` with a ``RequestBody``. The parameters are those of
    /// ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .patch,
            path,
            query: query,
            headers: headers,
            body: body,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `PATCH`, with a body given as bytes, JSON, a form or multipart parts (at most one).
    /// The parameters are those of
    /// ``request(_:_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func patch(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .patch,
            path,
            query: query,
            headers: headers,
            body: body,
            json: json,
            encoder: encoder,
            form: form,
            multipart: multipart,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `DELETE` with a ``RequestBody``. The parameters are those of
    /// ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func delete(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .delete,
            path,
            query: query,
            headers: headers,
            body: body,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }

    /// Sends `DELETE`, with a body given as bytes, JSON, a form or multipart parts (at most one).
    /// The parameters are those of
    /// ``request(_:_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func delete(
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        json: (any Encodable & Sendable)? = nil,
        encoder: JSONEncoder? = nil,
        form: [(String, String)]? = nil,
        multipart: [MultipartPart]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await request(
            .delete,
            path,
            query: query,
            headers: headers,
            body: body,
            json: json,
            encoder: encoder,
            form: form,
            multipart: multipart,
            timeout: timeout,
            followRedirects: followRedirects,
            fileID: fileID,
            line: line
        )
    }
}

extension RequestBody {
    /// The body of a call that takes its forms as separate parameters, of which at most one is given.
    static func one(
        of bytes: [UInt8]?,
        json: (any Encodable & Sendable)?,
        encoder: JSONEncoder?,
        form: [(String, String)]?,
        multipart: [MultipartPart]?,
        _ label: @autoclosure () -> String
    ) throws -> RequestBody {
        // Counted without building anything: this runs on every request.
        let count = (bytes == nil ? 0 : 1) + (json == nil ? 0 : 1) + (form == nil ? 0 : 1) + (multipart == nil ? 0 : 1)
        guard count <= 1 else {
            let given = [
                ("body:", bytes != nil), ("json:", json != nil), ("form:", form != nil),
                ("multipart:", multipart != nil),
            ]
            .filter(\.1).map(\.0)
            throw TestClientError(
                .invalidRequest,
                "A request has one body; this one was given \(given.joined(separator: " and ")).",
                request: label()
            )
        }
        if let json { return try .json(json, encoder: encoder ?? JSONEncoder()) }
        if let form { return .form(form) }
        if let multipart { return .multipart(multipart) }
        return .raw(bytes)
    }
}
