import PyASGIBridge

/// The path and query of a request as the scope carries them: `path` decoded, `raw_path` and
/// `query_string` as percent-encoded bytes. A query inside the path is kept byte for byte.
struct RequestTarget: Equatable {
    var path: String
    var rawPath: [UInt8]
    var queryString: [UInt8]

    init(_ target: String, query: [(String, String)], rootPath: String) throws(TestClientError) {
        var target = Substring(target)
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        guard target.first == "/" else {
            throw TestClientError(.invalidRequest, "The path \"\(target)\" must start with \"/\".")
        }
        if let bad = target.unicodeScalars.first(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw TestClientError(
                .invalidRequest,
                "The path \"\(target)\" contains the control or space character U+\(String(bad.value, radix: 16, uppercase: true)); percent-encode it."
            )
        }
        let pathPart: Substring
        var queryBytes: [UInt8] = []
        if let mark = target.firstIndex(of: "?") {
            pathPart = target[..<mark]
            queryBytes = Percent.encode(target[target.index(after: mark)...], keeping: Percent.queryCharacters)
        } else {
            pathPart = target
        }
        for (name, value) in query {
            if !queryBytes.isEmpty { queryBytes.append(UInt8(ascii: "&")) }
            queryBytes += Percent.encode(Substring(name), keeping: Percent.unreserved)
            queryBytes.append(UInt8(ascii: "="))
            queryBytes += Percent.encode(Substring(value), keeping: Percent.unreserved)
        }
        let rawPathPart = Percent.encode(pathPart, keeping: Percent.pathCharacters)
        let root = Percent.encode(Substring(rootPath), keeping: Percent.pathCharacters)
        self.rawPath = root + rawPathPart
        self.path = rootPath + String(decoding: Percent.decode(rawPathPart), as: UTF8.self)
        self.queryString = queryBytes
    }
}

enum Percent {
    static let unreserved = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    /// Characters kept as they are in a path (RFC 3986 pchar and "/", plus "%" of existing escapes).
    static let pathCharacters = unreserved.union(Array("!$&'()*+,;=:@/%".utf8))
    /// Characters kept as they are in a query given inside the path.
    static let queryCharacters = pathCharacters.union(Array("?".utf8))
    /// Characters kept in `application/x-www-form-urlencoded` values (space becomes "+").
    static let formCharacters = unreserved.union(Array("*".utf8))

    static func encode(_ text: Substring, keeping allowed: Set<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if allowed.contains(byte) {
                result.append(byte)
            } else {
                result.append(UInt8(ascii: "%"))
                result.append(hex[Int(byte >> 4)])
                result.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }

    static func formEncode(_ text: String) -> [UInt8] {
        encode(Substring(text), keeping: formCharacters.union([UInt8(ascii: " ")])).map {
            $0 == UInt8(ascii: " ") ? UInt8(ascii: "+") : $0
        }
    }

    static func decode(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
