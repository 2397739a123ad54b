#if Live
import PyASGIBridge

/// Where a live client's connections go, and what to say when one fails.
struct LiveTarget: Sendable {
    /// `http://127.0.0.1:8000`, without a trailing slash.
    let baseURL: String
    /// The server this process started, if it did.
    let server: UvicornServer?
    /// TLS for an `https` base URL (`wss` for websockets); nil for `http`.
    let tls: LiveTLS?
    /// The host to connect to, without brackets for IPv6.
    let host: String
    let port: Int
    /// The base URL's path, put in front of every request target (`/api`, or empty).
    let pathPrefix: String

    /// - Parameters:
    ///   - baseURL: `http://` or `https://`, an authority, and an optional path without a trailing slash.
    ///   - server: The server this process started, if it did.
    ///   - trust: Which certificates an `https` server may show.
    /// - Throws: `BridgeFailure.serverUnreachable` when `trust`'s certificates cannot be read.
    init(baseURL: String, server: UvicornServer?, trust: TLSTrust = .system) throws(BridgeFailure) {
        self.baseURL = baseURL
        self.server = server
        let secure = baseURL.hasPrefix("https://")
        tls = secure ? try LiveTLS(trusting: trust) : nil
        let rest = baseURL.drop { $0 != "/" }.dropFirst(2)
        let authority = rest.prefix { $0 != "/" }
        pathPrefix = String(rest.dropFirst(authority.count))
        let defaultPort = secure ? 443 : 80
        var host = Substring(authority)
        var port = defaultPort
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = authority[..<colon]
            port = Int(authority[authority.index(after: colon)...]) ?? defaultPort
        }
        if host.hasPrefix("[") { host = host.dropFirst().dropLast() }
        self.host = String(host)
        self.port = port
    }

    /// The failure a connection error becomes: a server that exited says so, with its output; a
    /// refused connection means nobody listens; anything else broke the connection.
    func failure(for error: any Error, logs: [LogEntry]) async -> BridgeFailure {
        if let server {
            // The exit is seen a moment after the connection breaks.
            for _ in 0..<10 where server.exitStatus == nil {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if let status = server.exitStatus {
                return .serverFailed(
                    message: "The server at \(baseURL) exited with status \(status) during the call.",
                    output: logs.map(\.line).joined(separator: "\n")
                )
            }
        }
        if tls != nil, let failure = LiveTLS.failure(for: error, baseURL: baseURL) { return failure }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("connectTimeout") || text.contains("NIOConnectionError") {
            return .serverUnreachable(message: "Nobody accepts connections at \(baseURL): \(text)")
        }
        return .connectionClosed(reason: "The connection to \(baseURL) broke: \(text)")
    }
}
#endif
