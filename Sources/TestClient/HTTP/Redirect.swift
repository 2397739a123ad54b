/// Resolving a `Location` against the request it answers (RFC 3986 section 5.2, for the parts a
/// test client needs: absolute URLs are reduced to their path and query).
enum Redirect {
    static func resolve(_ location: String, against current: String) -> String {
        let location = Substring(location)
        if let colon = location.firstIndex(of: ":"), location[colon...].hasPrefix("://"),
            location[..<colon].allSatisfy({ $0.isLetter || $0 == "+" || $0 == "-" || $0 == "." })
        {
            return pathAndQuery(afterAuthority: location[location.index(colon, offsetBy: 3)...])
        }
        if location.hasPrefix("//") {
            return pathAndQuery(afterAuthority: location.dropFirst(2))
        }
        if location.hasPrefix("/") { return String(location) }
        let currentPath =
            current.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        if location.isEmpty { return current }
        if location.hasPrefix("?") { return currentPath + location }
        let directory = currentPath[...(currentPath.lastIndex(of: "/") ?? currentPath.startIndex)]
        return removeDotSegments(String(directory) + location)
    }

    /// The authority (`host[:port]`) of an absolute or scheme-relative `Location`, else nil.
    static func authority(of location: String) -> String? {
        let rest: Substring
        if let colon = location.firstIndex(of: ":"), location[colon...].hasPrefix("://") {
            rest = location[location.index(colon, offsetBy: 3)...]
        } else if location.hasPrefix("//") {
            rest = location.dropFirst(2)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(authority.split(separator: "@").last ?? authority)
    }

    private static func pathAndQuery(afterAuthority rest: Substring) -> String {
        guard let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        return String(rest[start...]).prefixedWithSlash
    }

    private static func removeDotSegments(_ path: String) -> String {
        let (pathPart, query) = path.firstIndex(of: "?").map { (path[..<$0], path[$0...]) } ?? (Substring(path), "")
        var output: [Substring] = []
        let segments = pathPart.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            switch segment {
            case ".": if index == segments.count - 1 { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if index == segments.count - 1 { output.append("") }
            default: output.append(segment)
            }
        }
        return output.joined(separator: "/").prefixedWithSlash + query
    }
}

extension String {
    fileprivate var prefixedWithSlash: String { hasPrefix("/") ? self : "/" + self }
}
