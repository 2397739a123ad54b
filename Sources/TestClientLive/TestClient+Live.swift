#if Live
import PyASGIBridge
public import TestClient

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension TestClient {
    /// A client of `app` running in `server`: in this process, or in a uvicorn the client starts
    /// (or shares with the other clients of the same app object). Requests, streams, websockets,
    /// cookies, redirects and timeouts work the same either way; a live client's
    /// `TestClient.baseURL` is the server's real URL.
    ///
    /// ```swift
    /// let client = try await TestClient(app: "service:create_app()", server: .uvicorn(arguments: ["--workers", "2"]))
    /// #expect(try await client.get("/health").status == .ok)
    /// try await client.close()
    /// ```
    /// - Parameters:
    ///   - app: The app as uvicorn addresses it: `module:attr`, or `module:factory()` for a factory
    ///     (a server of its own per client).
    ///   - configuration: As in-process. A live server's address replaces `host`, `port` and
    ///     `scheme`; `importTimeout` (else `timeout`) bounds the server's start, and
    ///     `lifespanTimeout` its graceful stop.
    ///   - server: Where the app runs.
    ///   - fileID: Where the client is opened, as a forgotten `close()` names it; the caller's.
    ///   - filePath: See `fileID`.
    ///   - line: See `fileID`.
    ///   - column: See `fileID`.
    /// - Throws: `TestClientError`: as in-process for an app that cannot be loaded
    ///   (with uvicorn's output in `details`) or a failed lifespan startup;
    ///   `TestClientError.Code.serverFailed` when uvicorn is missing, exits or does not
    ///   start in time.
    public convenience init(
        app: String,
        configuration: TestClientConfiguration = TestClientConfiguration(),
        server: AppServer,
        fileID: String = #fileID,
        filePath: String = #filePath,
        line: Int = #line,
        column: Int = #column
    ) async throws {
        guard case .uvicorn(let arguments) = server.kind else {
            try await self.init(
                app: app,
                configuration: configuration,
                fileID: fileID,
                filePath: filePath,
                line: line,
                column: column
            )
            return
        }
        let (key, uvicorn): (LiveServers.Key, UvicornServer)
        do {
            let interpreter = InterpreterConfiguration(
                virtualEnvironment: configuration.virtualEnvironment,
                searchPaths: configuration.pythonPath
            )
            let settings = UvicornServer.Settings(
                python: try interpreter.pythonExecutable(),
                app: app,
                arguments: arguments,
                lifespan: configuration.lifespan.uvicornValue,
                pythonPath: configuration.pythonPath,
                startTimeout: configuration.importTimeout ?? configuration.timeout,
                grace: configuration.lifespanTimeout
            )
            (key, uvicorn) = try await LiveServers.shared.join(settings)
        } catch {
            throw TestClientError.from(error)
        }
        var live = configuration
        live.scheme = uvicorn.scheme
        live.host = "127.0.0.1"
        live.port = uvicorn.port
        let target: LiveTarget
        do {
            target = try LiveTarget(baseURL: uvicorn.url, server: uvicorn, trust: uvicorn.trust)
        } catch {
            _ = await LiveServers.shared.leave(key)
            throw TestClientError.from(error)
        }
        let backend = LiveServerBackend(
            target: target,
            key: key,
            lifespanSupported: configuration.lifespan != .off
                && !uvicorn.log.contains("ASGI 'lifespan' protocol appears unsupported")
        )
        self.init(
            app: app,
            configuration: live,
            server: backend,
            openedAt: CallSite(fileID: fileID, filePath: filePath, line: line, column: column)
        )
    }

    /// A client of whatever serves `url`: a staging deployment, or a server the test started
    /// itself. Nothing is started or stopped; requests go to the URL's host and port, and
    /// `TestClient.baseURL` is the URL's origin.
    ///
    /// ```swift
    /// let client = try await TestClient(url: URL(string: "https://staging.example.com")!)
    /// #expect(try await client.get("/health").status == .ok)
    /// try await client.close()
    /// ```
    /// - Parameters:
    ///   - url: An `http` or `https` URL; its path, if any, is put in front of every request's.
    ///   - configuration: As in-process; the URL replaces `host`, `port` and `scheme`.
    ///   - trust: The certificates an `https` server may show, for requests and websockets alike:
    ///     the system's roots unless given.
    ///   - fileID: Where the client is opened, as a forgotten `close()` names it; the caller's.
    ///   - filePath: See `fileID`.
    ///   - line: See `fileID`.
    ///   - column: See `fileID`.
    /// - Throws: `TestClientError.Code.serverUnreachable` for a URL without an `http`
    ///   or `https` scheme or a host, or certificates to trust that cannot be read. A server that
    ///   does not answer fails the first request with the same code.
    public convenience init(
        url: URL,
        configuration: TestClientConfiguration = TestClientConfiguration(),
        trust: TLSTrust = .system,
        fileID: String = #fileID,
        filePath: String = #filePath,
        line: Int = #line,
        column: Int = #column
    ) async throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw TestClientError.from(
                BridgeFailure.serverUnreachable(message: "\(url) is not an http or https URL with a host.")
            )
        }
        var live = configuration
        live.scheme = scheme
        live.host = host
        live.port = url.port
        let authority = host.contains(":") ? "[\(host)]" : host
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        let base = "\(scheme)://\(authority)\(url.port.map { ":\($0)" } ?? "")\(path)"
        let target: LiveTarget
        do {
            target = try LiveTarget(baseURL: base, server: nil, trust: trust)
        } catch {
            throw TestClientError.from(error)
        }
        self.init(
            app: base,
            configuration: live,
            server: LiveServerBackend(target: target, key: nil, lifespanSupported: false),
            openedAt: CallSite(fileID: fileID, filePath: filePath, line: line, column: column)
        )
    }
}

/// Runs `body` with a client of `app` in `server`, and closes the client afterwards, also when
/// `body` throws (stopping a server the client started, if it was its last client).
///
/// ```swift
/// try await withTestClient(app: "service:app", server: .uvicorn()) { client in
///     #expect(try await client.get("/").status == .ok)
/// }
/// ```
/// - Parameters:
///   - app: The app as `module:attr` or `module:factory()`.
///   - configuration: The client's configuration.
///   - server: Where the app runs.
///   - isolation: The actor `body` runs on; the caller's, unless given.
///   - fileID: Where the client is opened, as a forgotten `close()` would name it; the caller's.
///   - filePath: See `fileID`.
///   - line: See `fileID`.
///   - column: See `fileID`.
///   - body: The test.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, else what opening or closing the client throws.
public func withTestClient<Result>(
    app: String,
    configuration: TestClientConfiguration = TestClientConfiguration(),
    server: AppServer,
    isolation: isolated (any Actor)? = #isolation,
    fileID: String = #fileID,
    filePath: String = #filePath,
    line: Int = #line,
    column: Int = #column,
    _ body: (TestClient) async throws -> Result
) async throws -> Result {
    let client = try await TestClient(
        app: app,
        configuration: configuration,
        server: server,
        fileID: fileID,
        filePath: filePath,
        line: line,
        column: column
    )
    return try await client.closing(body)
}

/// Runs `body` with a client of whatever serves `url`, and closes the client afterwards.
/// - Parameters:
///   - url: An `http` or `https` URL.
///   - configuration: The client's configuration.
///   - trust: The certificates an `https` server may show: the system's roots unless given.
///   - isolation: The actor `body` runs on; the caller's, unless given.
///   - fileID: Where the client is opened, as a forgotten `close()` would name it; the caller's.
///   - filePath: See `fileID`.
///   - line: See `fileID`.
///   - column: See `fileID`.
///   - body: The test.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, else what opening or closing the client throws.
public func withTestClient<Result>(
    url: URL,
    configuration: TestClientConfiguration = TestClientConfiguration(),
    trust: TLSTrust = .system,
    isolation: isolated (any Actor)? = #isolation,
    fileID: String = #fileID,
    filePath: String = #filePath,
    line: Int = #line,
    column: Int = #column,
    _ body: (TestClient) async throws -> Result
) async throws -> Result {
    let client = try await TestClient(
        url: url,
        configuration: configuration,
        trust: trust,
        fileID: fileID,
        filePath: filePath,
        line: line,
        column: column
    )
    return try await client.closing(body)
}

extension LifespanMode {
    /// uvicorn's `--lifespan` value.
    var uvicornValue: String {
        switch self {
        case .auto: "auto"
        case .on: "on"
        case .off: "off"
        }
    }
}
#endif
