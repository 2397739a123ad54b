public import Foundation
import PyASGIBridge

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
    /// The host ``subscript(_:)`` reads and writes for: a client's jar has its client's.
    let host: String
    /// Whether requests to ``host`` are secure (`https`).
    let secure: Bool

    /// Creates an empty jar; its subscript reads and sets cookies for `testserver` over `http`.
    public convenience init() {
        self.init(host: "testserver", secure: false)
    }

    /// Creates an empty jar whose subscript works for `host`.
    init(host: String, secure: Bool) {
        self.host = CookieMatching.canonicalHost(host)
        self.secure = secure
    }

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
                return cookie.goes(to: host, secure: secure)
                    && CookieMatching.pathMatches(requestPath: path, cookiePath: cookie.path)
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

    /// The value of the cookie `name` that requests to the jar's host send (the client's
    /// ``TestClientConfiguration/host`` for ``TestClient/cookies``), on any path; assigning a value
    /// stores a session cookie for that host and path `/`, assigning nil removes every cookie of
    /// that name the host would get.
    ///
    /// ```swift
    /// _ = try await client.get("/cookies/set", query: [("theme", "dark")])
    /// #expect(client.cookies["theme"] == "dark")
    /// client.cookies["theme"] = "light"      // sent with the next request
    /// ```
    ///
    /// When cookies of that name differ in path or domain, the one with the shortest path (the one
    /// the most of the site gets) is read, then the one created first. A `Secure` cookie is read only
    /// when the host is reached over `https`.
    /// - Parameter name: The cookie's name.
    public subscript(name: String) -> String? {
        get {
            let now = Date()
            return state.withLock { state in
                state.evictExpired(at: now)
                return state.entries
                    .filter { $0.cookie.name == name && $0.cookie.goes(to: host, secure: secure) }
                    .min { a, b in
                        let lengthA = a.cookie.path.utf8.count
                        let lengthB = b.cookie.path.utf8.count
                        return lengthA != lengthB ? lengthA < lengthB : a.creation < b.creation
                    }?
                    .cookie.value
            }
        }
        set {
            guard let newValue else {
                state.withLock { state in
                    state.entries.removeAll { $0.cookie.name == name && $0.cookie.goes(to: host, secure: secure) }
                }
                return
            }
            set(name, newValue, domain: host)
        }
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
