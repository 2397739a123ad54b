import PyASGIBridge

/// The path and query of a request as the scope carries them: `path` decoded, `raw_path` and
/// `query_string` as percent-encoded bytes, and the origin when the target is an absolute URL.
///
/// Targets are taken as httpx takes them: an absolute URL (`https://api.example.com:8443/items`)
/// names its own origin; a path without a leading slash (`items/3`) and `""` are taken from the
/// root; characters that cannot stand in a path or query (space, `"`, `<`, non-ASCII, ...) are
/// percent-encoded, existing `%XX` escapes kept; dot segments are removed (`/a/../b` is `/b`); a
/// fragment is dropped. Only ASCII control
/// characters, which no request line can carry, are refused.
struct RequestTarget: Equatable {
    var path: String
    var rawPath: [UInt8]
    var queryString: [UInt8]
    /// The origin of an absolute URL target; nil for a path, which goes to the client's origin.
    var origin: Origin?

    init(_ target: String, query: [(String, String)], rootPath: String) throws(TestClientError) {
        let (origin, pathAndQuery) = try Self.split(target)
        self.origin = origin
        let pathPart: Substring
        var queryBytes: [UInt8] = []
        if let mark = pathAndQuery.utf8.firstIndex(of: UInt8(ascii: "?")) {
            pathPart = pathAndQuery[..<mark]
            queryBytes = Percent.encode(
                pathAndQuery[pathAndQuery.utf8.index(after: mark)...],
                keeping: Percent.querySafe
            )
        } else {
            pathPart = pathAndQuery
        }
        for (name, value) in query {
            if !queryBytes.isEmpty { queryBytes.append(UInt8(ascii: "&")) }
            queryBytes += Percent.encode(Substring(name), keeping: Percent.unreserved)
            queryBytes.append(UInt8(ascii: "="))
            queryBytes += Percent.encode(Substring(value), keeping: Percent.unreserved)
        }
        let rawPathPart = Percent.encode(pathPart, keeping: Percent.pathSafe)
        self.rawPath =
            rootPath.isEmpty
            ? rawPathPart : Percent.encode(Substring(rootPath), keeping: Percent.pathCharacters) + rawPathPart
        self.path = rootPath + String(decoding: Percent.decode(rawPathPart), as: UTF8.self)
        self.queryString = queryBytes
    }

    /// The origin a target names, if it is a valid absolute URL; nil otherwise.
    static func origin(of target: String) -> Origin? {
        (try? split(target))?.origin
    }

    /// Splits a target into the origin it names (absolute URLs only) and a path-and-query that
    /// starts with `/`, the fragment dropped.
    static func split(_ target: String) throws(TestClientError) -> (origin: Origin?, pathAndQuery: Substring) {
        // Byte scans: every request's target comes through here. A control character and `#` are
        // ASCII, so the byte's index is a scalar boundary, where a (sub)string may be cut.
        if let control = target.utf8.firstIndex(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw controlCharacter(at: control, in: target)
        }
        var rest = Substring(target)
        if let hash = target.utf8.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        guard let schemeEnd = schemeEnd(rest) else {
            return (nil, normalized(rest.utf8.first == UInt8(ascii: "/") ? rest : "/" + rest))
        }
        let scheme = rest[..<schemeEnd].lowercased()
        let afterScheme = rest[rest.utf8.index(schemeEnd, offsetBy: 3)...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let origin = try Origin(scheme: scheme, authority: afterScheme[..<authorityEnd], url: target)
        let pathAndQuery = afterScheme[authorityEnd...]
        return (origin, pathAndQuery.hasPrefix("/") ? normalized(pathAndQuery) : "/" + pathAndQuery)
    }

    /// The path with its dot segments removed; the same substring when it has no `.` at all (the
    /// common case, checked as bytes).
    private static func normalized(_ pathAndQuery: Substring) -> Substring {
        let path = pathAndQuery.utf8.prefix { $0 != UInt8(ascii: "?") }
        guard path.contains(UInt8(ascii: ".")) else { return pathAndQuery }
        return Substring(removeDotSegments(pathAndQuery))
    }

    private static func controlCharacter(at index: String.Index, in target: String) -> TestClientError {
        let scalar = target.unicodeScalars[index]
        let position = target.unicodeScalars.distance(from: target.unicodeScalars.startIndex, to: index)
        return TestClientError(
            .invalidRequest,
            "The request target \"\(target.debugDescription.dropFirst().dropLast())\" contains the control character \(Self.name(scalar)) at position \(position): no request target can carry it (percent-encode it, as %\(Self.hex(scalar)), if the app should receive it)."
        )
    }

    /// RFC 3986 section 5.2.4 on the path (`/a/../b` is sent as `/b`), as httpx sends a target,
    /// relative or absolute; `%2E%2E` is not a dot segment and stays.
    static func removeDotSegments(_ pathAndQuery: Substring) -> String {
        let (path, query) =
            pathAndQuery.firstIndex(of: "?").map { (pathAndQuery[..<$0], pathAndQuery[$0...]) } ?? (pathAndQuery, "")
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.contains(where: { $0 == "." || $0 == ".." }) else { return String(pathAndQuery) }
        var output: [Substring] = []
        for (index, segment) in segments.enumerated() {
            switch segment {
            case ".": if index == segments.count - 1 { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if index == segments.count - 1 { output.append("") }
            default: output.append(segment)
            }
        }
        let joined = output.joined(separator: "/")
        return (joined.hasPrefix("/") ? joined : "/" + joined) + query
    }

    /// Whether `text` starts with `scheme://`, the scheme as RFC 3986 spells one (a letter, then
    /// letters, digits, `+`, `-` and `.`).
    static func isAbsoluteURL(_ text: Substring) -> Bool {
        schemeEnd(text) != nil
    }

    /// Where the `://` after a scheme starts, if `text` starts with `scheme://`.
    private static func schemeEnd(_ text: Substring) -> Substring.Index? {
        let utf8 = text.utf8
        guard let first = utf8.first, isASCIILetter(first) else { return nil }
        var index = utf8.index(after: utf8.startIndex)
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: ":") {
                return utf8[index...].starts(with: "://".utf8) ? index : nil
            }
            guard
                isASCIILetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { return nil }
            index = utf8.index(after: index)
        }
        return nil
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }

    static func name(_ scalar: Unicode.Scalar) -> String {
        let code = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
        let names: [UInt32: String] = [0: "NUL", 9: "TAB", 10: "LF", 13: "CR", 0x7F: "DEL"]
        return "U+\(padded)" + (names[scalar.value].map { " (\($0))" } ?? "")
    }
}
