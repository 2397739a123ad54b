import PyASGIBridge

/// Percent-encoding for paths, queries and forms (RFC 3986 and the URL standard's form encoding).
enum Percent {
    static let unreserved = ByteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    /// Characters kept as they are in a path (RFC 3986 pchar and "/", plus "%" of existing escapes).
    static let pathCharacters = unreserved.union(ByteSet("!$&'()*+,;=:@/%"))
    /// Characters kept in `application/x-www-form-urlencoded` values (space becomes "+").
    static let formCharacters = unreserved.union(ByteSet("*"))
    /// What httpx keeps in a query (the WHATWG query percent-encode set's complement): printable
    /// ASCII but space, `"`, `#`, `<` and `>`.
    static let querySafe = ByteSet(0x21...0x7E).subtracting(ByteSet("\"#<>"))
    /// What httpx keeps in a path: the query's set without `?`, `` ` ``, `{` and `}`.
    static let pathSafe = querySafe.subtracting(ByteSet("?`{}"))
    /// A registered name (RFC 3986): unreserved, sub-delims and escapes.
    static let hostCharacters = unreserved.union(ByteSet("!$&'()*+,;=%"))
    /// An IPv6 (or IPvFuture) literal between brackets.
    static let ipv6Characters = hostCharacters.union(ByteSet(":"))

    /// `text`'s UTF-8 bytes with every byte outside `allowed` written as `%XX`. Every request
    /// encodes its path this way, so a text that needs no escape is copied as it is.
    static func encode(_ text: Substring, keeping allowed: ByteSet) -> [UInt8] {
        let utf8 = text.utf8
        guard let firstEscape = utf8.firstIndex(where: { !allowed.contains($0) }) else { return Array(utf8) }
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count + 16)
        result += utf8[..<firstEscape]
        for byte in utf8[firstEscape...] {
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
        encode(Substring(text), keeping: formCharacters.union(ByteSet(" "))).map {
            $0 == UInt8(ascii: " ") ? UInt8(ascii: "+") : $0
        }
    }

    static func decode(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "%")) else { return bytes }
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
