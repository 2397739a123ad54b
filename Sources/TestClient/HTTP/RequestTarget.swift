import PyASGIBridge

/// The path and query of a request as the scope carries them: `path` decoded, `raw_path` and
/// `query_string` as percent-encoded bytes, and the origin when the target is an absolute URL.
///
/// Targets are taken as httpx takes them: an absolute URL (`https://api.example.com:8443/items`)
/// names its own origin; a path without a leading slash (`items/3`) and `""` are taken from the
/// root; characters that cannot stand in a path or query (space, `"`, `<`, non-ASCII, ...) are
/// percent-encoded, existing `%XX` escapes kept; a fragment is dropped. Only ASCII control
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
        if let mark = pathAndQuery.firstIndex(of: "?") {
            pathPart = pathAndQuery[..<mark]
            queryBytes = Percent.encode(pathAndQuery[pathAndQuery.index(after: mark)...], keeping: Percent.querySafe)
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
        let root = Percent.encode(Substring(rootPath), keeping: Percent.pathCharacters)
        self.rawPath = root + rawPathPart
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
        for (position, scalar) in target.unicodeScalars.enumerated() where scalar.value < 0x20 || scalar.value == 0x7F {
            throw TestClientError(
                .invalidRequest,
                "The request target \"\(target.debugDescription.dropFirst().dropLast())\" contains the control character \(Self.name(scalar)) at position \(position): no request target can carry it (percent-encode it, as %\(Self.hex(scalar)), if the app should receive it)."
            )
        }
        var rest = Substring(target)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        guard isAbsoluteURL(rest), let schemeEnd = rest.firstRange(of: "://") else {
            return (nil, rest.hasPrefix("/") ? rest : "/" + rest)
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        let afterScheme = rest[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let origin = try Origin(scheme: scheme, authority: afterScheme[..<authorityEnd], url: target)
        let pathAndQuery = afterScheme[authorityEnd...]
        return (origin, pathAndQuery.hasPrefix("/") ? Substring(removeDotSegments(pathAndQuery)) : "/" + pathAndQuery)
    }

    /// RFC 3986 section 5.2.4 on the path of an absolute URL (httpx normalizes those, not relative
    /// targets, which stay as given).
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
        guard let schemeEnd = text.firstRange(of: "://") else { return false }
        let scheme = text[..<schemeEnd.lowerBound]
        guard let first = scheme.unicodeScalars.first, first.isASCIILetter else { return false }
        return scheme.unicodeScalars.allSatisfy {
            $0.isASCIILetter || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)
        }
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

/// The scheme, host and port an absolute URL names. It replaces the client's own for one request:
/// the scope's `scheme` and `server`, the `Host` header and the cookies that apply.
struct Origin: Equatable {
    /// `https`/`wss` rather than `http`/`ws`.
    var secure: Bool
    /// Lowercased; an IPv6 literal without its brackets.
    var host: String
    /// The port as given; nil for the scheme's default.
    var port: Int?
    /// Credentials from `user:password@`, percent-decoded; httpx sends them as Basic auth.
    var user: String?
    var password: String?

    /// The origin of a client configured with these values.
    init(secure: Bool, host: String, port: Int?) {
        self.secure = secure
        self.host = host.lowercased()
        self.port = port
    }

    init(scheme: String, authority: Substring, url: String) throws(TestClientError) {
        switch scheme {
        case "http", "ws": secure = false
        case "https", "wss": secure = true
        default:
            throw TestClientError(
                .invalidRequest,
                "The request target \"\(url)\" has the unsupported scheme \"\(scheme)\": use http, https, ws or wss."
            )
        }
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            let (name, secret) =
                userinfo.firstIndex(of: ":").map { (userinfo[..<$0], userinfo[userinfo.index(after: $0)...]) }
                ?? (userinfo, "")
            user = String(decoding: Percent.decode(Array(name.utf8)), as: UTF8.self)
            password = String(decoding: Percent.decode(Array(secret.utf8)), as: UTF8.self)
            hostPort = authority[authority.index(after: at)...]
        }
        let portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw TestClientError(.invalidRequest, "The request target \"\(url)\" has an IPv6 host without \"]\".")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close]).lowercased()
            let after = hostPort[hostPort.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else {
                throw TestClientError(.invalidRequest, "The request target \"\(url)\" has text after its IPv6 host.")
            }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = hostPort.firstIndex(of: ":") {
            host = hostPort[..<colon].lowercased()
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort.lowercased()
            portText = nil
        }
        guard !host.isEmpty else {
            throw TestClientError(.invalidRequest, "The request target \"\(url)\" has no host.")
        }
        let hostCharacters = hostPort.hasPrefix("[") ? Percent.ipv6Characters : Percent.hostCharacters
        if let bad = host.unicodeScalars.first(where: { !$0.isASCII || !hostCharacters.contains(UInt8($0.value)) }) {
            throw TestClientError(
                .invalidRequest,
                "The host \"\(host)\" of \"\(url)\" contains \(RequestTarget.name(bad)) \"\(bad)\", which a host cannot hold"
                    + (bad.isASCII ? "." : "; give an internationalized name in its IDNA form (xn--...).")
            )
        }
        if let portText, !portText.isEmpty {
            guard portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(portText), number <= 65535
            else {
                throw TestClientError(
                    .invalidRequest,
                    "The request target \"\(url)\" has the invalid port \"\(portText)\"."
                )
            }
            port = number == (secure ? 443 : 80) ? nil : number
        }
    }

    /// The `user:password@` of the URL, if it had one.
    var credentials: (user: String, password: String)? {
        user.map { ($0, password ?? "") }
    }

    /// The `server` port: the given one, or the scheme's default.
    var effectivePort: Int { port ?? (secure ? 443 : 80) }

    /// The `Host` header: the host (bracketed if IPv6) and a port that is not the default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port.map { "\(name):\($0)" } ?? name
    }

    /// The URL prefix naming this origin, for a scheme in `http` (or `ws`) terms.
    func prefix(websocket: Bool = false) -> String {
        "\(websocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http"))://\(hostHeader)"
    }

    /// Whether two origins are the same for a request: scheme security, host and effective port.
    func sameOrigin(as other: Origin) -> Bool {
        secure == other.secure && host == other.host && effectivePort == other.effectivePort
    }
}

enum Percent {
    static let unreserved = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    /// Characters kept as they are in a path (RFC 3986 pchar and "/", plus "%" of existing escapes).
    static let pathCharacters = unreserved.union(Array("!$&'()*+,;=:@/%".utf8))
    /// Characters kept in `application/x-www-form-urlencoded` values (space becomes "+").
    static let formCharacters = unreserved.union(Array("*".utf8))
    /// What httpx keeps in a query (the WHATWG query percent-encode set's complement): printable
    /// ASCII but space, `"`, `#`, `<` and `>`.
    static let querySafe = Set((0x21...0x7E).map(UInt8.init)).subtracting(Array("\"#<>".utf8))
    /// What httpx keeps in a path: the query's set without `?`, `` ` ``, `{` and `}`.
    static let pathSafe = querySafe.subtracting(Array("?`{}".utf8))
    /// A registered name (RFC 3986): unreserved, sub-delims and escapes.
    static let hostCharacters = unreserved.union(Array("!$&'()*+,;=%".utf8))
    /// An IPv6 (or IPvFuture) literal between brackets.
    static let ipv6Characters = hostCharacters.union(Array(":".utf8))

    static func encode(_ text: Substring, keeping allowed: Set<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if allowed.contains(byte) {
                result.append(byte)
            } else {
                result.append(UInt8(ascii: "%"))
                result.append(hex[Int(byte >> 4)])
                result.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }

    static func formEncode(_ text: String) -> [UInt8] {
        encode(Substring(text), keeping: formCharacters.union([UInt8(ascii: " ")])).map {
            $0 == UInt8(ascii: " ") ? UInt8(ascii: "+") : $0
        }
    }

    static func decode(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
