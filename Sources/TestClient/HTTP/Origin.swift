import PyASGIBridge

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
            let number = try Self.port(portText, url: url)
            port = number == (secure ? 443 : 80) ? nil : number
        }
    }

    /// The port of an authority: decimal digits, at most 65535.
    private static func port(_ text: Substring, url: String) throws(TestClientError) -> Int {
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let number = Int(text),
            number <= 65535
        else {
            throw TestClientError(.invalidRequest, "The request target \"\(url)\" has the invalid port \"\(text)\".")
        }
        return number
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
