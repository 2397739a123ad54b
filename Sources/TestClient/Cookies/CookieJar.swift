import PyASGIBridge

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A cookie as a ``CookieJar`` stores it (RFC 6265, section 5.3).
///
/// ```swift
/// jar.setCookie(from: "session=abc; Secure", requestHost: "testserver", requestPath: "/login")
/// #expect(jar.cookies.map(\.name) == ["session"])
/// ```
public struct Cookie: Sendable, Hashable {
    /// The name, exactly as the server sent it.
    public var name: String
    /// The value, exactly as the server sent it: surrounding double quotes, if any, are kept
    /// (RFC 6265 makes them part of the value) and sent back as they are.
    public var value: String
    /// The domain, lowercased and without a leading dot: the host that set the cookie for a
    /// host-only cookie, the `Domain` attribute otherwise.
    public var domain: String
    /// Whether the cookie goes only to ``domain`` itself (it came without a `Domain` attribute,
    /// or was set by an IP address) rather than to ``domain`` and all its subdomains.
    public var hostOnly: Bool
    /// The path the cookie is sent for: it and everything under it.
    public var path: String
    /// Whether the cookie is sent only over `https` and `wss`.
    public var secure: Bool
    /// Whether the server marked the cookie `HttpOnly`. (The jar sends it either way: a test
    /// client makes HTTP requests, not script ones.)
    public var httpOnly: Bool
    /// When the cookie expires; `nil` for a session cookie, which lives as long as the jar.
    public var expires: Date?
    /// The `SameSite` attribute: `"Strict"`, `"Lax"` or `"None"`; `nil` when absent or unrecognised.
    /// Recorded only: every request of a test client is same-site.
    public var sameSite: String?

    /// Creates a cookie.
    ///
    /// - Parameters:
    ///   - name: The name.
    ///   - value: The value, sent verbatim.
    ///   - domain: The domain, lowercase, without a leading dot.
    ///   - hostOnly: Whether the cookie goes to `domain` only, not to its subdomains.
    ///   - path: The path the cookie is sent for.
    ///   - secure: Whether the cookie is sent only over `https` and `wss`.
    ///   - httpOnly: Whether the cookie is marked `HttpOnly`.
    ///   - expires: When the cookie expires; `nil` for a session cookie.
    ///   - sameSite: The `SameSite` attribute, if any.
    public init(
        name: String,
        value: String,
        domain: String,
        hostOnly: Bool = true,
        path: String = "/",
        secure: Bool = false,
        httpOnly: Bool = false,
        expires: Date? = nil,
        sameSite: String? = nil
    ) {
        self.name = name
        self.value = value
        self.domain = domain
        self.hostOnly = hostOnly
        self.path = path
        self.secure = secure
        self.httpOnly = httpOnly
        self.expires = expires
        self.sameSite = sameSite
    }

    /// Whether the cookie has expired at `now`.
    func isExpired(at now: Date) -> Bool {
        guard let expires else { return false }
        return expires <= now
    }
}

/// An RFC 6265 cookie store: it takes `Set-Cookie` response headers and gives the `Cookie`
/// header for a request, honouring domain, path, `Secure` and expiry.
///
/// The jar is safe to share between concurrent requests. There is no public suffix list: a
/// `Domain` attribute is accepted whenever the request host domain-matches it.
///
/// ```swift
/// let jar = CookieJar()
/// jar.setCookie(from: "session=abc; Path=/; HttpOnly", requestHost: "testserver", requestPath: "/login")
/// #expect(jar.cookieHeader(host: "testserver", path: "/me", secure: false) == "session=abc")
/// ```
public final class CookieJar: Sendable {
    private struct Entry {
        var cookie: Cookie
        /// Order of creation; a replaced cookie keeps the creation of the one it replaces.
        var creation: UInt64
    }

    private struct State {
        var entries: [Entry] = []
        var nextCreation: UInt64 = 0

        mutating func evictExpired(at now: Date) {
            entries.removeAll { $0.cookie.isExpired(at: now) }
        }

        /// Stores `cookie`, replacing the one with the same name, domain and path (whose
        /// creation order it takes over); an expired `cookie` only removes that one.
        mutating func store(_ cookie: Cookie, now: Date) {
            let expired = cookie.isExpired(at: now)
            if let index = entries.firstIndex(where: {
                $0.cookie.name == cookie.name && $0.cookie.domain == cookie.domain && $0.cookie.path == cookie.path
            }) {
                if expired {
                    entries.remove(at: index)
                } else {
                    entries[index].cookie = cookie
                }
            } else if !expired {
                entries.append(Entry(cookie: cookie, creation: nextCreation))
                nextCreation += 1
            }
        }
    }

    private let state = Locked(State())

    /// Creates an empty jar.
    public init() {}

    /// Whether the jar holds no cookie: requests then skip matching altogether.
    public var isEmpty: Bool {
        state.withLock { $0.entries.isEmpty }
    }

    /// Every stored cookie, in order of creation.
    ///
    /// A snapshot: later changes to the jar do not show in it. A cookie whose expiry has passed
    /// since the jar was last used with a `now` may still be listed; it is never sent.
    public var cookies: [Cookie] {
        state.withLock { $0.entries.map(\.cookie) }
    }

    /// Stores the cookie of a `Set-Cookie` header value received for a request, as RFC 6265
    /// sections 5.2 and 5.3 say.
    ///
    /// A malformed header (no `=`, an empty name, control characters) is ignored, as is a cookie
    /// whose `Domain` attribute the request host does not domain-match. A cookie that is already
    /// expired (`Max-Age=0`, or `Expires` in the past) is not stored but deletes the stored cookie
    /// with the same name, domain and path. `Max-Age` wins over `Expires`; `Expires` is read in
    /// the RFC 1123, RFC 850 and asctime formats (any RFC 6265 cookie-date, in fact).
    ///
    /// - Parameters:
    ///   - headerValue: The value of one `Set-Cookie` header.
    ///   - requestHost: The host the request went to; case does not matter, a `:port` is ignored.
    ///   - requestPath: The path of the request, which gives the default cookie path; a query
    ///     is ignored.
    ///   - now: The time the response arrived, for `Max-Age` and for dropping expired cookies.
    public func setCookie(from headerValue: String, requestHost: String, requestPath: String, now: Date = Date()) {
        guard let parsed = SetCookieParser.parse(headerValue, requestPath: requestPath, now: now) else { return }
        let host = CookieMatching.canonicalHost(requestHost)
        var domain = host
        var hostOnly = true
        if let attribute = parsed.domain, !attribute.isEmpty {
            guard CookieMatching.domainMatches(host: host, domain: attribute) else { return }
            // An IP address only ever matches itself: such a cookie stays host-only.
            hostOnly = CookieMatching.isIPAddress(host)
            domain = attribute
        }
        let cookie = Cookie(
            name: parsed.name,
            value: parsed.value,
            domain: domain,
            hostOnly: hostOnly,
            path: parsed.path,
            secure: parsed.secure,
            httpOnly: parsed.httpOnly,
            expires: parsed.expires,
            sameSite: parsed.sameSite
        )
        state.withLock { state in
            state.evictExpired(at: now)
            state.store(cookie, now: now)
        }
    }

    /// The value of the `Cookie` header for a request, or `nil` when no cookie applies.
    ///
    /// A cookie is sent when the host matches its domain (exactly for a host-only cookie, or as
    /// the domain or a subdomain of it), the path matches its path (RFC 6265, section 5.1.4), the
    /// request is secure if the cookie is `Secure`, and it has not expired. Cookies with longer
    /// paths come first, then cookies created earlier.
    ///
    /// - Parameters:
    ///   - host: The host of the request; case does not matter, a `:port` is ignored.
    ///   - path: The path of the request; a query is ignored.
    ///   - secure: Whether the request is over `https` or `wss`.
    ///   - now: The time of the request, for dropping expired cookies.
    /// - Returns: `name=value` pairs joined by `"; "`, or `nil`.
    public func cookieHeader(host: String, path: String, secure: Bool, now: Date = Date()) -> String? {
        let matching = cookies(host: host, path: path, secure: secure, now: now)
        guard !matching.isEmpty else { return nil }
        return matching.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    /// The cookies a request sends, in the order of its `Cookie` header (see
    /// ``cookieHeader(host:path:secure:now:)``).
    func cookies(host: String, path: String, secure: Bool, now: Date = Date()) -> [Cookie] {
        let host = CookieMatching.canonicalHost(host)
        let path = CookieMatching.pathOnly(path)
        let matching = state.withLock { state in
            state.evictExpired(at: now)
            return state.entries.filter { entry in
                let cookie = entry.cookie
                let domainOK =
                    cookie.hostOnly
                    ? host == cookie.domain
                    : CookieMatching.domainMatches(host: host, domain: cookie.domain)
                return domainOK
                    && CookieMatching.pathMatches(requestPath: path, cookiePath: cookie.path)
                    && (secure || !cookie.secure)
            }
        }
        return
            matching
            .sorted { a, b in
                let lengthA = a.cookie.path.utf8.count
                let lengthB = b.cookie.path.utf8.count
                return lengthA != lengthB ? lengthA > lengthB : a.creation < b.creation
            }
            .map(\.cookie)
    }

    /// Stores a session cookie by hand, replacing one with the same name, domain and path.
    ///
    /// The cookie is stored as given; a request that would carry it fails with
    /// ``TestClientError/Code/invalidRequest`` if its name is not an RFC 6265 token or its value
    /// holds `;`, a control character or DEL (it would change the meaning of the `Cookie` header).
    ///
    /// - Parameters:
    ///   - name: The name, sent verbatim.
    ///   - value: The value, sent verbatim.
    ///   - domain: The host to send it to. With a leading dot (`.example.com`) the cookie also
    ///     goes to subdomains, as with a `Domain` attribute; without one it is host-only.
    ///   - path: The path to send it for (and everything under it).
    public func set(_ name: String, _ value: String, domain: String, path: String = "/") {
        let hostOnly = !domain.hasPrefix(".")
        let cookie = Cookie(
            name: name,
            value: value,
            domain: CookieMatching.canonicalDomain(domain),
            hostOnly: hostOnly,
            path: path
        )
        state.withLock { $0.store(cookie, now: .distantPast) }
    }

    /// Removes the cookie with this name, domain and path, if stored.
    ///
    /// - Parameters:
    ///   - name: The name.
    ///   - domain: The domain; case and a leading dot do not matter.
    ///   - path: The path.
    /// - Returns: Whether a cookie was removed.
    @discardableResult
    public func remove(name: String, domain: String, path: String = "/") -> Bool {
        let domain = CookieMatching.canonicalDomain(domain)
        return state.withLock { state in
            let count = state.entries.count
            state.entries.removeAll {
                $0.cookie.name == name && $0.cookie.domain == domain && $0.cookie.path == path
            }
            return state.entries.count != count
        }
    }

    /// Removes every cookie.
    public func removeAll() {
        state.withLock { $0.entries.removeAll() }
    }
}

// MARK: - Matching (RFC 6265, section 5.1)

/// Host and path rules of RFC 6265, section 5.1.
enum CookieMatching {
    /// The host, lowercased, without a `:port` and without the brackets of an IPv6 literal.
    static func canonicalHost(_ host: String) -> String {
        var host = Substring(host)
        if host.hasPrefix("[") {
            let end = host.firstIndex(of: "]") ?? host.endIndex
            host = host[host.index(after: host.startIndex)..<end]
        } else if let colon = host.firstIndex(of: ":"), host[host.index(after: colon)...].firstIndex(of: ":") == nil {
            host = host[..<colon]
        }
        return host.lowercased()
    }

    /// A domain, lowercased, without a leading dot.
    static func canonicalDomain(_ domain: String) -> String {
        (domain.hasPrefix(".") ? String(domain.dropFirst()) : domain).lowercased()
    }

    /// Whether a canonical host is an IP address: IPv6 (it has a colon), or IPv4 (its last label is
    /// a number, as the URL standard reads hosts).
    static func isIPAddress(_ host: String) -> Bool {
        if host.utf8.contains(UInt8(ascii: ":")) { return true }
        let lastLabel = host.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).last ?? []
        return !lastLabel.isEmpty && lastLabel.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Domain-matching (section 5.1.3), both strings canonical: identical, or `host` ends with
    /// `"." + domain` and is not an IP address.
    static func domainMatches(host: String, domain: String) -> Bool {
        if host == domain { return true }
        guard !domain.isEmpty, !isIPAddress(host) else { return false }
        let hostBytes = Array(host.utf8)
        let domainBytes = Array(domain.utf8)
        guard hostBytes.count > domainBytes.count else { return false }
        let start = hostBytes.count - domainBytes.count
        return hostBytes[start...].elementsEqual(domainBytes) && hostBytes[start - 1] == UInt8(ascii: ".")
    }

    /// Path-matching (section 5.1.4): identical, or `cookiePath` is a prefix of `requestPath` that
    /// ends with `/` or is followed by `/` in it. Case-sensitive.
    static func pathMatches(requestPath: String, cookiePath: String) -> Bool {
        let request = Array(requestPath.utf8)
        let cookie = Array(cookiePath.utf8)
        guard request.starts(with: cookie) else { return false }
        if request.count == cookie.count || cookie.last == UInt8(ascii: "/") { return true }
        return request[cookie.count] == UInt8(ascii: "/")
    }

    /// The path of a request target without query or fragment.
    static func pathOnly(_ target: String) -> String {
        guard let end = target.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else {
            return target
        }
        return String(target[..<end])
    }

    /// The default-path of section 5.1.4 for a request path.
    static func defaultPath(_ requestPath: String) -> String {
        let path = Array(pathOnly(requestPath).utf8)
        guard path.first == UInt8(ascii: "/"), let lastSlash = path.lastIndex(of: UInt8(ascii: "/")), lastSlash > 0
        else {
            return "/"
        }
        return String(decoding: path[..<lastSlash], as: UTF8.self)
    }
}

// MARK: - Parsing (RFC 6265, section 5.2)

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
