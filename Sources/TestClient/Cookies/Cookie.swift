public import Foundation
import PyASGIBridge

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

    /// Whether a request to `host` (canonical) sends the cookie, path aside: the host matches its
    /// domain, and the request is secure if the cookie is `Secure`.
    func goes(to host: String, secure: Bool) -> Bool {
        let domainOK = hostOnly ? host == domain : CookieMatching.domainMatches(host: host, domain: domain)
        return domainOK && (secure || !self.secure)
    }

    /// Whether the cookie has expired at `now`.
    func isExpired(at now: Date) -> Bool {
        guard let expires else { return false }
        return expires <= now
    }
}
