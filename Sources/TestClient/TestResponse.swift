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

    /// The `Location` of a 301, 302, 303, 307 or 308 response.
    var redirectLocation: String? {
        guard [301, 302, 303, 307, 308].contains(status.code) else { return nil }
        return headers[.location]
    }

    init(_ response: BufferedResponse, method: HTTPRequest.Method, path: String) {
        self.status = HTTPResponse.Status(code: response.status, reasonPhrase: ReasonPhrase.standard(response.status))
        self.rawHeaders = response.headers.map { ($0.name, $0.value) }
        self.headers = HTTPFields(response.headers)
        self.trailers = HTTPFields(response.trailers)
        self.body = response.body
        self.debugInfo = response.debugInfo
        self.method = method
        self.path = path
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
    /// - Throws: `DecodingError` when the body is not that JSON.
    public func json<T: Decodable>(_ type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(body))
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
