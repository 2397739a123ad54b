import Foundation
import PyASGIBridge

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
