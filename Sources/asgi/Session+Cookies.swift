import Foundation
import TestClient

extension Session {
    /// A cookie as the session file keeps it: every attribute of the jar's ``Cookie``.
    struct StoredCookie: Codable, Equatable {
        var name, value, domain, path: String
        var hostOnly, secure, httpOnly: Bool
        /// Seconds since 1970; nil for a cookie that lasts the session (here: as long as the file).
        var expires: Date?
        var sameSite: String?

        init(_ cookie: Cookie) {
            (name, value, domain, hostOnly, path) = (
                cookie.name, cookie.value, cookie.domain, cookie.hostOnly, cookie.path
            )
            (secure, httpOnly, expires, sameSite) = (cookie.secure, cookie.httpOnly, cookie.expires, cookie.sameSite)
        }

        /// The `Set-Cookie` value that makes the jar store this cookie again, attributes and all,
        /// as if the app had just set it for its own domain and path.
        var setCookie: String {
            var parts = ["\(name)=\(value)", "Path=\(path)"]
            if !hostOnly { parts.append("Domain=\(domain)") }
            if secure { parts.append("Secure") }
            if httpOnly { parts.append("HttpOnly") }
            // Max-Age from now gives the jar back the same expiry, to the second.
            if let expires { parts.append("Max-Age=\(Int(expires.timeIntervalSinceNow.rounded(.up)))") }
            if let sameSite { parts.append("SameSite=\(sameSite)") }
            return parts.joined(separator: "; ")
        }
    }
}

extension CookieJar {
    /// Stores a cookie of a session file, as the app first set it.
    func restore(_ cookie: Session.StoredCookie) {
        setCookie(from: cookie.setCookie, requestHost: cookie.domain, requestPath: cookie.path)
    }
}
