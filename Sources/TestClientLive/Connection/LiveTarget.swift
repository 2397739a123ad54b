#if Live
import PyASGIBridge

/// Where a live client's connections go, and what to say when one fails.
struct LiveTarget: Sendable {
    /// `http://127.0.0.1:8000`, without a trailing slash.
    var baseURL: String
    /// The server this process started, if it did.
    var server: UvicornServer?

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
        let text = String(describing: error)
        if text.contains("refused") || text.contains("connectTimeout") || text.contains("NIOConnectionError") {
            return .serverUnreachable(message: "Nobody accepts connections at \(baseURL): \(text)")
        }
        return .connectionClosed(reason: "The connection to \(baseURL) broke: \(text)")
    }
}
#endif
