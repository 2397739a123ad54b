import HTTPTypes

/// Where a followed redirect leads: its `Location` resolved against the request it answers
/// (RFC 3986 section 5.2), as the next request's target and headers.
///
/// A target on the client's own origin is a path; one on another origin is an absolute URL, which
/// gives the next scope its `scheme`, `server` and `Host` (``RequestTarget``). A `Host` header the
/// request carried is dropped when the origin changes, as httpx does.
struct Redirect: Equatable {
    /// The next request's target.
    var target: String
    /// The next request's headers.
    var headers: HTTPFields

    /// - Parameters:
    ///   - location: The `Location` header.
    ///   - current: The target of the request the redirect answers.
    ///   - headers: The headers of that request.
    ///   - base: The client's own origin.
    init(location: String, from current: String, headers: HTTPFields, base: Origin) {
        self.headers = headers
        let (currentOrigin, currentPathAndQuery) = (try? RequestTarget.split(current)) ?? (nil, Substring(current))
        let previous = currentOrigin ?? base
        var location = Substring(location)
        if let hash = location.firstIndex(of: "#") { location = location[..<hash] }
        if location.hasPrefix("//") {
            location = Substring(previous.prefix().prefix { $0 != ":" } + ":" + location)
        }
        let next: Origin
        let pathAndQuery: String
        if RequestTarget.isAbsoluteURL(location) {
            guard let (origin, path) = try? RequestTarget.split(String(location)), let origin else {
                // Not a URL a request can go to: the next request refuses it with the reason.
                target = String(location)
                return
            }
            next = origin
            pathAndQuery = String(path)
        } else {
            next = previous
            pathAndQuery = Self.resolve(location, against: currentPathAndQuery)
        }
        if !next.sameOrigin(as: previous) { self.headers[.hostField] = nil }
        target = next.sameOrigin(as: base) ? pathAndQuery : next.prefix() + pathAndQuery
    }

    /// A relative reference (no scheme, no authority) against a path-and-query.
    static func resolve(_ location: Substring, against current: Substring) -> String {
        if location.hasPrefix("/") { return String(location) }
        let currentPath = current.prefix { $0 != "?" }
        if location.isEmpty { return String(current) }
        if location.hasPrefix("?") { return String(currentPath + location) }
        let directory = currentPath[...(currentPath.lastIndex(of: "/") ?? currentPath.startIndex)]
        return RequestTarget.removeDotSegments(Substring(directory + location))
    }
}
