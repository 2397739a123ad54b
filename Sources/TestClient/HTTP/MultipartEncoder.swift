/// Encodes ``MultipartPart``s as a `multipart/form-data` body (RFC 7578), the way browsers and
/// httpx do. `package` so the `asgi` command can show the exact bytes it sends.
package struct MultipartEncoder {
    /// Encodes `parts`.
    ///
    /// - Parameters:
    ///   - parts: The parts, in order.
    ///   - boundary: The boundary to use as it is; `nil` (the default) for a random one that
    ///     occurs nowhere in the parts.
    /// - Returns: The body, and the `Content-Type` header value that names its boundary.
    package static func encode(
        _ parts: [MultipartPart],
        boundary: String? = nil
    ) -> (body: [UInt8], contentType: String) {
        if let boundary {
            encode(parts, nextBoundary: { boundary }, checked: false)
        } else {
            encode(parts, nextBoundary: randomBoundary, checked: true)
        }
    }

    /// Encodes `parts` with the first boundary from `nextBoundary` that occurs in no part's bytes
    /// (headers included), or with the first one at all when `checked` is false.
    static func encode(
        _ parts: [MultipartPart],
        nextBoundary: () -> String,
        checked: Bool = true
    ) -> (body: [UInt8], contentType: String) {
        let encodedParts = parts.map(encodePart)
        var boundary = nextBoundary()
        while checked, encodedParts.contains(where: { contains($0, Array(boundary.utf8)) }) {
            boundary = nextBoundary()
        }

        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [0x0D, 0x0A]
        var body: [UInt8] = []
        body.reserveCapacity(encodedParts.reduce(0) { $0 + $1.count + delimiter.count + 4 } + delimiter.count + 4)
        for part in encodedParts {
            body += delimiter
            body += crlf
            body += part
            body += crlf
        }
        body += delimiter
        body += Array("--".utf8)
        body += crlf
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// 32 random lowercase hex digits (128 bits), as httpx makes them.
    static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// A part's headers, blank line and content, without the delimiter lines around it.
    private static func encodePart(_ part: MultipartPart) -> [UInt8] {
        var headers: String
        let content: [UInt8]
        switch part {
        case let .field(name, value):
            headers = "Content-Disposition: form-data; name=\"\(escape(name))\"\r\n"
            content = Array(value.utf8)
        case let .file(name, filename, contentType, data):
            headers = "Content-Disposition: form-data; name=\"\(escape(name))\"; filename=\"\(escape(filename))\"\r\n"
            headers += "Content-Type: \(contentType.filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" })\r\n"
            content = data
        }
        headers += "\r\n"
        return Array(headers.utf8) + content
    }

    /// A name or file name for a quoted string: UTF-8, with `"`, CR and LF percent-encoded
    /// (the HTML standard's multipart/form-data encoding).
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "%22"
            case "\r": escaped += "%0D"
            case "\n": escaped += "%0A"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Whether `needle` occurs in `haystack`.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return true
            }
            index += 1
        }
        return false
    }
}
