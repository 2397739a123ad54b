/// Text from body bytes, decoded by the charset a `Content-Type` names (UTF-8 when none is named).
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
