public import HTTPTypes
import PyASGIBridge

/// Tests a Python ASGI app from Swift, in-process: no server, no sockets. The app runs on the
/// embedded interpreter's asyncio loop; requests and responses cross as Swift values.
///
/// ```swift
/// let client = try await TestClient(app: "python_fixtures.quart_app:app")
/// let response = try await client.get("/")
/// #expect(response.text == "plain response")
/// try await client.close()
/// ```
///
/// A client is `Sendable`: many tasks may send requests through it at once. Clients of the same app
/// object share its lifespan, as the connections of one server do (see <doc:ParallelTests>).
public final class TestClient: Sendable {
    /// How this client addresses its app.
    public let configuration: TestClientConfiguration
    /// The app, as it was given (`module:attr`).
    public let app: String
    /// The cookies responses have set, sent with later requests (RFC 6265 matching). Tests may read
    /// and change it: `client.cookies["session"]` reads the value a request to the client's host
    /// sends, and assigning one sets a cookie for that host.
    public let cookies: CookieJar
    /// Headers sent with every later request of this client, as Starlette's `client.headers`:
    /// ``TestClientConfiguration/headers`` at first, and settable at any time. A request's own
    /// headers replace those of the same name.
    ///
    /// ```swift
    /// let token = try await client.post("/login", form: [("user", "ana")]).json(Token.self)
    /// client.headers[.authorization] = "Bearer \(token.value)"
    /// ```
    ///
    /// Each read is a snapshot and each assignment replaces the whole set at once; requests already
    /// sent keep the headers they had.
    public var headers: HTTPFields {
        get { defaultHeaders.withLock { $0 } }
        set { defaultHeaders.withLock { $0 = newValue } }
    }
    private let defaultHeaders: Locked<HTTPFields>
    /// Whether the app ran lifespan startup: true when this client takes part in its app's lifespan
    /// (shared by every client of the same app object) and the app supports it; false under
    /// ``LifespanMode/off``, and in ``LifespanMode/auto`` mode when the app does not support lifespan.
    public let lifespanSupported: Bool
    /// Where the client's connections go: the embedded interpreter, or a live server.
    let backend: ClientBackend
    let calls = ClientCalls()
    /// Every record of this client's calls.
    let logSink = LogSink()
    /// Where the client was opened, as a forgotten `close()` names it.
    let openedAt: CallSite
    /// The records of the lifespan this client takes part in (shared with the app's other clients).
    let lifespanLogs: LogSink?

    /// What the app logged, printed or warned during this client's calls and its lifespan, in the
    /// order it happened.
    public var logs: [AppLogRecord] {
        let entries = logSink.records + (lifespanLogs?.records ?? [])
        return entries.sorted { $0.sequence < $1.sequence }.records
    }

    /// Loads the app and joins its lifespan: the first client of an app object runs startup, later
    /// ones share it.
    /// - Parameters:
    ///   - app: The app as uvicorn addresses it: `package.module:attr.sub`, or `module:factory()`
    ///     to call a factory (which gives this client an app object, and a lifespan, of its own).
    ///   - configuration: Addressing, timeouts, lifespan and the Python environment.
    ///   - fileID: Where the client is opened, as a forgotten `close()` names it; the caller's.
    ///   - filePath: See `fileID`.
    ///   - line: See `fileID`.
    ///   - column: See `fileID`.
    /// - Throws: ``TestClientError`` when Python cannot start, the app cannot be loaded (or its import
    ///   takes longer than ``TestClientConfiguration/importTimeout``), or its lifespan startup fails;
    ///   `CancellationError` when the task is cancelled meanwhile.
    public init(
        app: String,
        configuration: TestClientConfiguration = TestClientConfiguration(),
        fileID: String = #fileID,
        filePath: String = #filePath,
        line: Int = #line,
        column: Int = #column
    ) async throws {
        self.app = app
        self.configuration = configuration
        self.openedAt = CallSite(fileID: fileID, filePath: filePath, line: line, column: column)
        try configuration.validate()
        cookies = CookieJar(host: configuration.host, secure: configuration.isSecure)
        defaultHeaders = Locked(configuration.headers)
        let runtime: PythonRuntime
        let loadedApp: LoadedAppID
        do {
            let interpreter = InterpreterConfiguration(
                virtualEnvironment: configuration.virtualEnvironment,
                searchPaths: configuration.pythonPath
            )
            runtime = try await PythonRuntime.shared(interpreter)
            if let level = configuration.logLevel { runtime.lowerLogLevel(to: level.value) }
            loadedApp = try await runtime.loadApp(app, timeout: configuration.importTimeout ?? configuration.timeout)
        } catch {
            throw TestClientError.from(error)
        }
        backend = .inProcess(runtime, loadedApp)
        guard configuration.lifespan != .off else {
            lifespanSupported = false
            lifespanLogs = nil
            return
        }
        do {
            // The lifespan's records go to its own log, shared by the app's clients (see `logs`).
            var options = configuration.callOptions(.streaming, label: "\(app) lifespan", logs: LogSink())
            if options.echoPrefix != nil {
                let (test, app) = (TestScope.current, app)
                options.echoPrefix = { @Sendable () -> String in "\(TestScope.name(of: test) ?? app) lifespan" }
            }
            options.raiseAppExceptions = true
            let settings = LifespanRunner.Settings(
                runtime: runtime,
                mode: configuration.lifespan,
                timeout: configuration.lifespanTimeout,
                options: options
            )
            (lifespanSupported, lifespanLogs) = try await AppLifecycles.shared.join(loadedApp, settings)
        } catch {
            runtime.releaseApp(loadedApp)
            throw TestClientError.from(error, request: "lifespan startup")
        }
    }

    /// A client of a live server (see the `TestClientLive` module): `configuration` addresses the
    /// server (its host, port and scheme make ``baseURL``), and every connection goes to `server`.
    package init(
        app: String,
        configuration: TestClientConfiguration,
        server: any LiveBackend,
        openedAt: CallSite
    ) {
        self.app = app
        self.configuration = configuration
        self.openedAt = openedAt
        cookies = CookieJar(host: configuration.host, secure: configuration.isSecure)
        defaultHeaders = Locked(configuration.headers)
        backend = .live(server)
        lifespanSupported = server.lifespanSupported
        lifespanLogs = nil
    }

    deinit {
        // A client dropped without close(): no shutdown handshake is possible here. It leaves its
        // app's lifecycle (the last client ends the lifespan call) and lets the app go, and says so:
        // a warning, and an issue in the running Swift test, as XCTVapor asserts a missing shutdown.
        if calls.phase == .open {
            TestScope.forgottenClose(
                "The TestClient of \(app) opened at \(openedAt) was released without close(), so lifespan shutdown did not run\(lifespanSupported ? "" : " (it had no lifespan)"). Call close(), or use withTestClient(app:).",
                at: openedAt
            )
            switch backend {
            case .inProcess(let runtime, let loadedApp):
                if configuration.lifespan != .off { AppLifecycles.shared.abandon(loadedApp) }
                runtime.releaseApp(loadedApp)
            case .live(let server):
                server.abandon()
            }
        }
    }
}

/// Runs `body` with a client over `app`, and closes the client afterwards, also when `body` throws.
/// `body` runs on the caller's actor (the main actor, say), so it may use the caller's state.
///
/// ```swift
/// try await withTestClient(app: "python_fixtures.quart_app:app") { client in
///     let response = try await client.get("/json")
///     #expect(try response.json([String: String].self) == ["hello": "world"])
/// }
/// ```
/// - Parameters:
///   - app: The app as `module:attr` or `module:factory()`.
///   - configuration: The client's configuration.
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
        fileID: fileID,
        filePath: filePath,
        line: line,
        column: column
    )
    return try await client.closing(body)
}

extension TestClient {
    /// Runs `body`, then closes the client, also when `body` throws: what every `withTestClient`
    /// does with the client it opened.
    package func closing<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestClient) async throws -> Result
    ) async throws -> Result {
        let result: Result
        do {
            result = try await body(self)
        } catch {
            try? await close()
            throw error
        }
        try await close()
        return result
    }
}
