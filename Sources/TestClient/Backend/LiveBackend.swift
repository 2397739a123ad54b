package import PyASGIBridge

/// A real server that live clients send their connections to, as the `TestClientLive` module
/// supplies it: a uvicorn it started, or any URL. The client's cookies, redirects, timeouts and
/// errors stay the client's own; the backend only carries each connection over a socket.
package protocol LiveBackend: Sendable {
    /// Whether the server ran the app's lifespan startup.
    var lifespanSupported: Bool { get }
    /// Opens one connection: an HTTP request or a websocket, with the messages the app gets first.
    func open(_ scope: ConnectionScope, inbound: [InboundEvent], options: AppCallOptions) -> any ConnectionCall
    /// The client closes: it leaves the server, and the last client of a server it started stops it.
    func close() async throws
    /// The client was released without `close()`: it leaves the server without waiting.
    func abandon()
}

/// Where a client's connections go.
enum ClientBackend: Sendable {
    /// The app on the embedded interpreter.
    case inProcess(PythonRuntime, LoadedAppID)
    /// A real server.
    case live(any LiveBackend)
}

extension TestClient {
    /// Opens one connection to the app, wherever it runs.
    func open(_ scope: ConnectionScope, inbound: [InboundEvent], options: AppCallOptions) -> any ConnectionCall {
        switch backend {
        case .inProcess(let runtime, let app): runtime.open(app: app, scope: scope, inbound: inbound, options: options)
        case .live(let server): server.open(scope, inbound: inbound, options: options)
        }
    }

    /// Whether this client talks to a real server (live mode).
    package var isLive: Bool {
        if case .live = backend { return true }
        return false
    }
}
