public import HTTPTypes

/// How a ``TestClient`` addresses and talks to its app. Every value has a default that works.
///
/// ```swift
/// var configuration = TestClientConfiguration()
/// configuration.headers = [.authorization: "Bearer t"]
/// configuration.timeout = .seconds(5)
/// let client = try await TestClient(app: "python_fixtures.starlette_app:app", configuration: configuration)
/// ```
public struct TestClientConfiguration: Sendable {
    /// Headers sent with every request unless the request sets the same name: the client's first
    /// ``TestClient/headers``, which it may change after opening.
    public var headers: HTTPFields = [:]
    /// Credentials sent as `Authorization: Basic …` with every request that sets no `Authorization`.
    public var basicAuth: (user: String, password: String)?
    /// The `host` header and the default `server` host.
    public var host: String = "testserver"
    /// `http` or `https`; websockets use `ws` or `wss` to match.
    public var scheme: String = "http"
    /// The port of `server`, or nil for the scheme's default.
    public var port: Int?
    /// `root_path`: where the app is mounted. Request paths are given without it.
    public var rootPath: String = ""
    /// The `client` address, or nil to leave it out.
    public var client: (host: String, port: Int)? = ("127.0.0.1", 50000)
    /// The `server` address; nil derives it from `host`, `scheme` and `port`.
    public var server: (host: String, port: Int?)?
    /// `asgi.spec_version`. Apps change behaviour with it (Starlette at "2.4").
    public var specVersion: String = "2.5"
    /// `http_version`: "1.0", "1.1" or "2".
    public var httpVersion: String = "1.1"
    /// Keys added to (or replaced in) every HTTP and websocket scope.
    public var scopeOverrides: [String: ASGIValue] = [:]
    /// How long a request may take, unless the request says otherwise. Also how long `close()` lets
    /// the client's running requests, streams and websockets finish before it disconnects them.
    public var timeout: Duration = .seconds(30)
    /// How long importing the app's module (and calling its factory) may take; ``timeout`` when nil.
    /// An import cannot be interrupted: past this the client stops waiting, and the app, once
    /// imported, is let go again.
    public var importTimeout: Duration?
    /// Whether lifespan runs.
    public var lifespan: LifespanMode = .auto
    /// How long lifespan startup and shutdown may take each.
    public var lifespanTimeout: Duration = .seconds(10)
    /// Whether redirects are followed (the default), with the method rules browsers and httpx use.
    public var followRedirects: Bool = true
    /// How many redirects one request may follow before ``TestClientError/Code/tooManyRedirects``.
    public var maxRedirects: Int = 20
    /// Whether the client keeps a cookie jar: cookies that responses set are sent on later requests.
    public var useCookies: Bool = true
    /// Refuse response header names with uppercase letters, as the spec's "must be lowercased"
    /// says. Off by default, as in uvicorn, which lowercases them: Django sends `Content-Type`.
    public var requireLowercaseHeaderNames: Bool = false
    /// Throw the app's exceptions (the default), or answer 500 as a server would.
    public var raiseAppExceptions: Bool = true
    /// The lowest level of Python `logging` records captured into ``TestResponse/logs`` and the
    /// other `logs`; nil keeps what the app's loggers let through (Python's default: `WARNING` and
    /// up). A lower level lowers the root logger's level for the process, as pytest's
    /// `caplog.set_level` does; other clients keep capturing what they did before.
    public var logLevel: AppLogLevel?
    /// Whether captured records are also written to stderr, each line prefixed with the Swift test
    /// it belongs to (under Swift Testing) or the call (`GET /login`).
    public var echoAppLogs: Bool = true
    /// The virtual environment to run Python in; nil finds it from `VIRTUAL_ENV` or `.venv`.
    public var virtualEnvironment: String?
    /// Directories added to the front of `sys.path` (after the current directory).
    public var pythonPath: [String] = []

    /// A configuration with every default.
    public init() {}

    var serverAddress: (host: String, port: Int?) {
        if let server { return (Self.scopeHost(server.host), server.port) }
        return (Self.scopeHost(host), port ?? (scheme == "https" || scheme == "wss" ? 443 : 80))
    }

    var isSecure: Bool { scheme == "https" || scheme == "wss" }

    var hostHeader: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }
}
