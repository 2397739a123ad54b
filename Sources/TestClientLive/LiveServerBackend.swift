#if Live
import PyASGIBridge
import TestClient

/// A live client's way to its server: a uvicorn this process started (shared by the clients of
/// one app object), or a URL someone else serves.
struct LiveServerBackend: LiveBackend {
    let target: LiveTarget
    /// The shared server's key, when this process started it.
    let key: LiveServers.Key?
    let lifespanSupported: Bool

    func open(_ scope: ConnectionScope, inbound: [InboundEvent], options: AppCallOptions) -> any ConnectionCall {
        switch scope.kind {
        case .websocket:
            LiveConnection(target: target, scope: scope, inbound: inbound, options: options, run: LiveWebSocket.session)
        case .http, .lifespan:
            LiveConnection(target: target, scope: scope, inbound: inbound, options: options, run: LiveHTTP.exchange)
        }
    }

    func close() async throws {
        guard let key, let server = await LiveServers.shared.leave(key) else { return }
        if server.log.contains("Application shutdown failed") {
            throw BridgeFailure.lifespanFailed(phase: "shutdown", message: server.log.text)
        }
    }

    func abandon() {
        guard let key else { return }
        Task { _ = await LiveServers.shared.leave(key) }
    }
}
#endif
