#if Live
/// Where a test client's app runs: in this process (the `TestClient` module's way), or in a real
/// server the client starts. A test that takes an `AppServer` runs the same body either way.
///
/// ```swift
/// @Test(arguments: [AppServer.inProcess, .uvicorn()])
/// func listsItems(server: AppServer) async throws {
///     try await withTestClient(app: "service:app", server: server) { client in
///         #expect(try await client.get("/items").status == .ok)
///     }
/// }
/// ```
public struct AppServer: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case inProcess
        case uvicorn(arguments: [String])
    }

    let kind: Kind

    /// The app runs on the embedded interpreter, in this process: no server, no sockets.
    public static let inProcess = AppServer(kind: .inProcess)

    /// The app runs in `python -m uvicorn` from the virtual environment, on 127.0.0.1 and a free
    /// port. uvicorn runs the app's lifespan (`--lifespan` from
    /// `TestClientConfiguration.lifespan`); clients of one app object share one server,
    /// which stops when the last of them closes.
    ///
    /// With `--ssl-keyfile` and `--ssl-certfile` among the arguments the server speaks https (and
    /// wss), and the client trusts the certificate in the `--ssl-certfile` file (self-signed, or
    /// with its chain up to its root).
    /// - Parameter arguments: More arguments for uvicorn, such as `["--workers", "2"]`. Not
    ///   `--host`, `--port`, `--fd`, `--uds` or `--lifespan`: the client sets those.
    /// - Returns: The server.
    public static func uvicorn(arguments: [String] = []) -> AppServer {
        AppServer(kind: .uvicorn(arguments: arguments))
    }

    /// `in-process`, or `uvicorn` with its arguments.
    public var description: String {
        switch kind {
        case .inProcess: "in-process"
        case .uvicorn(let arguments): (["uvicorn"] + arguments).joined(separator: " ")
        }
    }
}
#endif
