public import HTTPTypes
import PyASGIBridge

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

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

enum TextDecoding {
    static func charset(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, trim(parts[0]).lowercased() == "charset" else { continue }
            return trim(parts[1]).filter { $0 != "\"" }.lowercased()
        }
        return nil
    }

    private static func trim(_ text: Substring) -> Substring {
        text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed().map { $0 }.reduce(
            into: Substring()
        ) { $0.append($1) }
    }

    static func decode(_ bytes: [UInt8], contentType: String?) -> String {
        switch charset(of: contentType) {
        case "iso-8859-1", "latin-1", "latin1", "l1", "windows-1252", "cp1252":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "us-ascii", "ascii":
            return String(decoding: bytes.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        case "utf-16", "utf-16le", "utf-16be":
            let bigEndian = charset(of: contentType) == "utf-16be"
            var units: [UInt16] = []
            for index in stride(from: 0, to: bytes.count - 1, by: 2) {
                let first = UInt16(bytes[index])
                let second = UInt16(bytes[index + 1])
                units.append(bigEndian ? first << 8 | second : second << 8 | first)
            }
            return String(decoding: units, as: UTF16.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

enum ReasonPhrase {
    /// The RFC 9110 reason phrase of a status code, or "" for an unregistered one.
    static func standard(_ code: Int) -> String {
        switch code {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: ""
        }
    }
}
