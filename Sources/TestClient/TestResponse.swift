public import Foundation
public import HTTPTypes
import PyASGIBridge

/// An HTTP response from the app, whole: status, headers and body.
///
/// ```swift
/// let response = try await client.get("/json")
/// #expect(response.status == .ok)
/// #expect(try response.json([String: String].self) == ["hello": "world"])
/// ```
public struct TestResponse: Sendable {
    /// The status the app sent.
    public let status: HTTPResponse.Status
    /// The headers, as HTTP fields. Names that are not valid HTTP tokens are only in ``rawHeaders``.
    public let headers: HTTPFields
    /// The headers exactly as the app sent them: bytes, in order, duplicates kept.
    public let rawHeaders: [(name: [UInt8], value: [UInt8])]
    /// The body. Empty for `HEAD`, as a server strips it.
    public let body: [UInt8]
    /// Trailers sent with `http.response.trailers`, if any.
    public let trailers: HTTPFields
    /// What the app sent in `http.response.debug` (Starlette templates: `template`, `context`), as text.
    public let debugInfo: [String: String]?
    /// The method of the request this answers.
    public let method: HTTPRequest.Method
    /// The target (path with query) of the request this answers; an absolute URL when it went to
    /// another origin (an absolute target, or a redirect there).
    public let path: String
    /// The redirect responses followed to reach this one, first first.
    public internal(set) var history: [TestResponse] = []
    /// What the app logged, printed or warned while it handled this request (Python `logging`
    /// records, `print` lines, `warnings`), in order, as pytest's `caplog` shows them.
    public internal(set) var logs: [AppLogRecord] = []

    /// The `Location` of a 301, 302, 303, 307 or 308 response.
    var redirectLocation: String? {
        guard [301, 302, 303, 307, 308].contains(status.code) else { return nil }
        return headers[.location]
    }

    init(_ response: BufferedResponse, method: HTTPRequest.Method, path: String, logs: [AppLogRecord] = []) {
        self.status = HTTPResponse.Status(code: response.status, reasonPhrase: ReasonPhrase.standard(response.status))
        self.rawHeaders = response.headers.map { ($0.name, $0.value) }
        self.headers = HTTPFields(response.headers)
        self.trailers = HTTPFields(response.trailers)
        self.body = response.body
        self.debugInfo = response.debugInfo
        self.method = method
        self.path = path
        self.logs = logs
    }

    /// The body as text, decoded with the charset of `Content-Type` (UTF-8 when none is named).
    public var text: String {
        TextDecoding.decode(body, contentType: headers[.contentType])
    }

    /// The body decoded from JSON.
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - decoder: The decoder to use.
    /// - Returns: The decoded value.
    /// - Throws: ``TestClientError`` with code ``TestClientError/Code/decodingFailed`` when the body
    ///   is not that JSON: its description shows the request, the status, `Content-Type`, the first
    ///   KiB of the body and where decoding failed; ``TestClientError/decodingError`` keeps the
    ///   `DecodingError`.
    public func json<T: Decodable>(_ type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        do {
            return try decoder.decode(type, from: Data(body))
        } catch let error as DecodingError {
            var failure = TestClientError(
                .decodingFailed,
                "Cannot decode \(T.self) from the body of the \(status.code) \(status.reasonPhrase) response"
                    + " (Content-Type: \(headers[.contentType] ?? "none")): \(Self.explain(error))",
                request: "\(method.rawValue) \(path)"
            )
            failure.response = self
            failure.decodingError = error
            failure.logs = logs
            throw failure
        }
    }

    /// Returns the response if its status is `status`, else throws.
    ///
    /// ```swift
    /// let item = try await client.post("/items", json: pen).require(.created).json(Item.self)
    /// ```
    /// - Parameter status: The status expected.
    /// - Returns: The response.
    /// - Throws: ``TestClientError`` with code ``TestClientError/Code/unexpectedStatus``, whose
    ///   description shows the whole response and the call's log.
    @discardableResult
    public func require(_ status: HTTPResponse.Status) throws -> TestResponse {
        guard self.status.code == status.code else {
            throw unexpectedStatus("expected \(status.code) \(status.reasonPhrase)")
        }
        return self
    }

    /// Returns the response if its status is of `kind` (`.successful`, `.redirection`, ...), else
    /// throws as ``require(_:)-(HTTPResponse.Status)`` does.
    /// - Parameter kind: The kind of status expected.
    /// - Returns: The response.
    /// - Throws: ``TestClientError`` with code ``TestClientError/Code/unexpectedStatus``.
    @discardableResult
    public func require(_ kind: HTTPResponse.Status.Kind) throws -> TestResponse {
        guard status.kind == kind else { throw unexpectedStatus("expected a status of kind \(kind)") }
        return self
    }

    private func unexpectedStatus(_ expected: String) -> TestClientError {
        var failure = TestClientError(
            .unexpectedStatus,
            "The app answered \(status.code) \(status.reasonPhrase); \(expected).",
            request: "\(method.rawValue) \(path)"
        )
        failure.response = self
        failure.logs = logs
        return failure
    }

    /// `items[0].price: expected Double, found a string` and the like.
    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "the key \"\(key.stringValue)\" is missing\(at)"
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type), \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

extension HTTPFields {
    /// Fields from raw header bytes; names that are no valid token are skipped (they stay in the raw pairs).
    init(_ raw: [HeaderField]) {
        self.init()
        reserveCapacity(raw.count)
        for field in raw {
            guard let name = HTTPField.Name(String(decoding: field.name, as: UTF8.self)) else { continue }
            append(HTTPField(name: name, lenientValue: field.value))
        }
    }
}
