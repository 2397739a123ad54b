import PyASGIBridge

/// Percent-encoding for paths, queries and forms (RFC 3986 and the URL standard's form encoding).
enum Percent {
    static let unreserved = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    /// Characters kept as they are in a path (RFC 3986 pchar and "/", plus "%" of existing escapes).
    static let pathCharacters = unreserved.union(Array("!$&'()*+,;=:@/%".utf8))
    /// Characters kept in `application/x-www-form-urlencoded` values (space becomes "+").
    static let formCharacters = unreserved.union(Array("*".utf8))
    /// What httpx keeps in a query (the WHATWG query percent-encode set's complement): printable
    /// ASCII but space, `"`, `#`, `<` and `>`.
    static let querySafe = Set((0x21...0x7E).map(UInt8.init)).subtracting(Array("\"#<>".utf8))
    /// What httpx keeps in a path: the query's set without `?`, `` ` ``, `{` and `}`.
    static let pathSafe = querySafe.subtracting(Array("?`{}".utf8))
    /// A registered name (RFC 3986): unreserved, sub-delims and escapes.
    static let hostCharacters = unreserved.union(Array("!$&'()*+,;=%".utf8))
    /// An IPv6 (or IPvFuture) literal between brackets.
    static let ipv6Characters = hostCharacters.union(Array(":".utf8))

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
