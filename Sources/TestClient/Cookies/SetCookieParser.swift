import Foundation
import PyASGIBridge

/// A `Set-Cookie` header value, parsed per RFC 6265, section 5.2.
struct SetCookieParser {
    var name: String
    var value: String
    /// The `Domain` attribute, lowercased, leading dot stripped; `nil` when absent.
    var domain: String?
    /// The `Path` attribute, or the default path when absent or not starting with `/`.
    var path: String
    var secure = false
    var httpOnly = false
    /// The expiry from `Max-Age` if present, else from `Expires`; `nil` for a session cookie.
    var expires: Date?
    var sameSite: String?

    /// Parses a `Set-Cookie` header value; `nil` when the cookie is to be ignored.
    static func parse(_ header: String, requestPath: String, now: Date) -> SetCookieParser? {
        let bytes = Array(header.utf8)
        let semicolon = UInt8(ascii: ";")
        let nameValueEnd = bytes.firstIndex(of: semicolon) ?? bytes.endIndex
        let nameValue = bytes[..<nameValueEnd]
        guard let equals = nameValue.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let name = trimmed(nameValue[..<equals])
        let value = trimmed(nameValue[(equals + 1)...])
        guard !name.isEmpty, !name.contains(where: isControl), !value.contains(where: isControl) else { return nil }

        var cookie = SetCookieParser(
            name: String(decoding: name, as: UTF8.self),
            value: String(decoding: value, as: UTF8.self),
            path: CookieMatching.defaultPath(requestPath)
        )
        var maxAgeExpiry: Date?
        var expiresExpiry: Date?
        for attribute in bytes[nameValueEnd...].split(separator: semicolon) {
            let attributeName: ArraySlice<UInt8>
            let attributeValue: ArraySlice<UInt8>
            if let equals = attribute.firstIndex(of: UInt8(ascii: "=")) {
                attributeName = trimmed(attribute[..<equals])
                attributeValue = trimmed(attribute[(equals + 1)...])
            } else {
                attributeName = trimmed(attribute)
                attributeValue = []
            }
            switch asciiLowercased(attributeName) {
            case "expires":
                if let date = parseCookieDate(attributeValue) { expiresExpiry = date }
            case "max-age":
                if let seconds = parseMaxAge(attributeValue) {
                    maxAgeExpiry = seconds <= 0 ? .distantPast : min(now.addingTimeInterval(seconds), .distantFuture)
                }
            case "domain":
                guard !attributeValue.isEmpty else { break }
                cookie.domain = CookieMatching.canonicalDomain(String(decoding: attributeValue, as: UTF8.self))
            case "path":
                cookie.path =
                    attributeValue.first == UInt8(ascii: "/")
                    ? String(decoding: attributeValue, as: UTF8.self)
                    : CookieMatching.defaultPath(requestPath)
            case "secure":
                cookie.secure = true
            case "httponly":
                cookie.httpOnly = true
            case "samesite":
                switch asciiLowercased(attributeValue) {
                case "strict": cookie.sameSite = "Strict"
                case "lax": cookie.sameSite = "Lax"
                case "none": cookie.sameSite = "None"
                default: cookie.sameSite = nil
                }
            default:
                break
            }
        }
        cookie.expires = maxAgeExpiry ?? expiresExpiry
        return cookie
    }

    /// A `Max-Age` value: an optional `-` then digits; `nil` when malformed. Huge values saturate.
    static func parseMaxAge(_ bytes: ArraySlice<UInt8>) -> Double? {
        var digits = bytes
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return nil }
        var seconds = 0.0
        for digit in digits { seconds = seconds * 10 + Double(digit - UInt8(ascii: "0")) }
        return negative ? -seconds : seconds
    }

    /// The cookie-date algorithm of section 5.1.1, which reads the RFC 1123
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
    /// (`Sun Nov  6 08:49:37 1994`) formats alike. The time is UTC. `nil` when not a valid date.
    static func parseCookieDate(_ bytes: some Collection<UInt8>) -> Date? {
        var time: (hour: Int, minute: Int, second: Int)?
        var dayOfMonth: Int?
        var month: Int?
        var year: Int?
        for token in Array(bytes).split(whereSeparator: isDateDelimiter) {
            if time == nil, let value = parseTime(token) {
                time = value
            } else if dayOfMonth == nil, let value = leadingNumber(token, digits: 1...2) {
                dayOfMonth = value
            } else if month == nil, let value = parseMonth(token) {
                month = value
            } else if year == nil, let value = leadingNumber(token, digits: 2...4) {
                year = value
            }
        }
        guard let time, let dayOfMonth, let month, var year else { return nil }
        if (70...99).contains(year) { year += 1900 } else if (0...69).contains(year) { year += 2000 }
        guard year >= 1601, time.hour <= 23, time.minute <= 59, time.second <= 59,
            dayOfMonth >= 1, dayOfMonth <= daysInMonth(month, year: year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: dayOfMonth)
        let seconds = days * 86_400 + time.hour * 3_600 + time.minute * 60 + time.second
        return Date(timeIntervalSince1970: Double(seconds))
    }

    // MARK: Helpers

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Control characters a cookie name or value must not hold (horizontal tab allowed).
    private static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09) || byte == 0x7F
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return [] }
        return bytes[first...last]
    }

    private static func asciiLowercased(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`
    private static func isDateDelimiter(_ byte: UInt8) -> Bool {
        byte == 0x09 || (0x20...0x2F).contains(byte) || (0x3B...0x40).contains(byte)
            || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }

    /// A run of `digits` digits at the start of `token`, followed by its end or a non-digit.
    private static func leadingNumber(_ token: ArraySlice<UInt8>, digits: ClosedRange<Int>) -> Int? {
        let run = token.prefix(while: isDigit)
        guard digits.contains(run.count) else { return nil }
        return run.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// `hms-time [ non-digit *OCTET ]`, with `time-field = 1*2DIGIT`.
    private static func parseTime(_ token: ArraySlice<UInt8>) -> (hour: Int, minute: Int, second: Int)? {
        var rest = token
        var fields: [Int] = []
        for index in 0..<3 {
            if index > 0 {
                guard rest.first == UInt8(ascii: ":") else { return nil }
                rest = rest.dropFirst()
            }
            guard let value = leadingNumber(rest, digits: 1...2) else { return nil }
            rest = rest.drop(while: isDigit)
            fields.append(value)
        }
        return (fields[0], fields[1], fields[2])
    }

    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]

    /// `month = ( "jan" / … / "dec" ) *OCTET`, case-insensitive; 1 to 12.
    private static func parseMonth(_ token: ArraySlice<UInt8>) -> Int? {
        guard token.count >= 3 else { return nil }
        let prefix = asciiLowercased(token.prefix(3))
        return monthNames.firstIndex(of: prefix).map { $0 + 1 }
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
