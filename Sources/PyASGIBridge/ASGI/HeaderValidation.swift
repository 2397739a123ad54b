/// RFC 9110 token characters, for header names and methods.
package enum HeaderValidation {
    /// Bytes no header value may carry: NUL, LF and CR (they would split or end the field) and DEL
    /// (swift-http-types would empty the value; a server refuses it).
    package static func isForbiddenInValue(_ byte: UInt8) -> Bool {
        byte == 0 || byte == 10 || byte == 13 || byte == 0x7F
    }

    package static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
