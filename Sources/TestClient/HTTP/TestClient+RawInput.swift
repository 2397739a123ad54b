import HTTPTypes
import PyASGIBridge

extension TestClient {
    /// Sends a request given as plain strings, as a command line or a contract file has them. The
    /// method must be an HTTP token, header names tokens, and header values free of CR, LF, NUL and DEL;
    /// anything else is refused before it reaches the app. (`HTTPFields` cannot hold such input:
    /// swift-http-types replaces those bytes with spaces.)
    /// - Parameters:
    ///   - method: The method, uppercased before it is sent.
    ///   - path: The path, optionally with a query.
    ///   - query: Pairs appended to the query string.
    ///   - headerPairs: Header names and values, in order.
    ///   - body: The body bytes.
    ///   - timeout: How long the app may take.
    ///   - fileID: Where the call is made, as its errors name it; the caller's.
    ///   - line: See `fileID`.
    /// - Returns: The response.
    /// - Throws: ``TestClientError/Code/invalidRequest`` for malformed input, else as
    ///   ``request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
    @discardableResult
    public func request(
        method: String,
        _ path: String,
        query: [(String, String)] = [],
        headerPairs: [(String, String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> TestResponse {
        try await CallSite(fileID: fileID, line: line).attach {
            let label = "\(method) \(path)"
            // HTTPRequest.Method and HTTPField.Name accept only RFC 9110 tokens.
            guard let parsed = HTTPRequest.Method(method.uppercased()) else {
                throw TestClientError(.invalidRequest, "The method \"\(method)\" is not an HTTP token.", request: label)
            }
            var fields = HTTPFields()
            for (name, value) in headerPairs {
                guard let fieldName = HTTPField.Name(name) else {
                    throw TestClientError(
                        .invalidRequest,
                        "The header name \"\(name)\" is not an HTTP token.",
                        request: label
                    )
                }
                if let bad = value.utf8.first(where: HeaderValidation.isForbiddenInValue) {
                    throw TestClientError(
                        .invalidRequest,
                        "The value of header \(name) contains the byte 0x\(String(bad, radix: 16, uppercase: true)); CR, LF and NUL are not allowed in a header value, nor is DEL.",
                        request: label
                    )
                }
                fields.append(HTTPField(name: fieldName, value: value))
            }
            return try await request(
                parsed,
                path,
                query: query,
                headers: fields,
                body: body,
                timeout: timeout,
                fileID: fileID,
                line: line
            )
        }
    }
}
