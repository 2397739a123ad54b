#if Live
import NIOCore
import NIOPosix
import NIOSSL
import PyASGIBridge

extension LiveTarget {
    /// Connects to the target (through TLS for `https`) and lets `configure` build the rest of the
    /// pipeline, as `ClientBootstrap.connect(host:port:channelInitializer:)` does. One connection
    /// per call: a server may close a kept-alive connection after an app raised, and another test's
    /// request must not be sent on it.
    func connect<Output: Sendable>(
        _ configure: @escaping @Sendable (any Channel) -> EventLoopFuture<Output>
    ) async throws -> Output {
        let context = tls?.context
        // Names go in SNI and are checked against the certificate; an IP address is not sent
        // (SNI carries names only) and is checked against the certificate's IP entries.
        let serverName = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                if let context {
                    do {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: serverName)
                        )
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                }
                return configure(channel)
            }
    }
}

/// The TLS of a live client: a context that accepts the certificates its `TLSTrust` accepts, and
/// speaks HTTP/1.1.
struct LiveTLS: Sendable {
    /// One context for every client that trusts the system's roots: loading them is slow.
    private static let system = Locked<NIOSSLContext?>(nil)

    let context: NIOSSLContext

    /// - Throws: `BridgeFailure.serverUnreachable` when the certificates cannot be read.
    init(trusting trust: TLSTrust) throws(BridgeFailure) {
        do {
            switch trust.roots {
            case .system:
                if let context = Self.system.withLock({ $0 }) {
                    self.context = context
                    return
                }
                let context = try NIOSSLContext(configuration: Self.configuration(roots: .default))
                self.context = Self.system.withLock { cached in
                    cached = cached ?? context
                    return cached ?? context
                }
            case .pemFile(let path):
                let certificates = try NIOSSLCertificate.fromPEMFile(path)
                guard !certificates.isEmpty else {
                    throw BridgeFailure.serverUnreachable(message: "\(path) holds no PEM certificate.")
                }
                context = try NIOSSLContext(configuration: Self.configuration(roots: .certificates(certificates)))
            }
        } catch let failure as BridgeFailure {
            throw failure
        } catch {
            throw .serverUnreachable(message: "Cannot trust the \(trust): \(error)")
        }
    }

    /// A failed TLS handshake as the client reports it (the server is there, but cannot be
    /// trusted or spoken to); nil for any other error.
    static func failure(for error: any Error, baseURL: String) -> BridgeFailure? {
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return nil }
        return .serverUnreachable(
            message: "The TLS handshake with \(baseURL) failed: \(error). A server whose certificate the "
                + "system's roots do not vouch for needs TestClient(url:trust:) with .certificates(pemFile:)."
        )
    }

    private static func configuration(roots: NIOSSLTrustRoots) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = roots
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }
}
#endif
