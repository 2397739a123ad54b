#if Live
/// The certificates a live client accepts from an `https` server, for requests and websockets
/// (`wss`) alike. The certificate must also name the host the client connects to (its DNS name, or
/// its IP address for a URL such as `https://127.0.0.1:8443`).
///
/// ```swift
/// let client = try await TestClient(
///     url: URL(string: "https://127.0.0.1:8443")!,
///     trust: .certificates(pemFile: "/tmp/server-cert.pem")
/// )
/// ```
///
/// A server the client starts with uvicorn's `--ssl-certfile` is trusted through that file.
public struct TLSTrust: Sendable, Hashable, CustomStringConvertible {
    enum Roots: Sendable, Hashable {
        case system
        case pemFile(String)
    }

    let roots: Roots

    /// The system's trusted root certificates: what any client accepts.
    public static let system = TLSTrust(roots: .system)

    /// The certificates in a PEM file instead of the system's roots: a self-signed server's own
    /// certificate, or the certificate of the authority that signed the server's.
    /// - Parameter path: The PEM file; read when the client is made.
    /// - Returns: The trust.
    public static func certificates(pemFile path: String) -> TLSTrust {
        TLSTrust(roots: .pemFile(path))
    }

    /// `system`, or `certificates in <path>`.
    public var description: String {
        switch roots {
        case .system: "system"
        case .pemFile(let path): "certificates in \(path)"
        }
    }
}
#endif
