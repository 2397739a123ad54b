public import HTTPTypes
import PyASGIBridge
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
/// A client is `Sendable`: many tasks may send requests through it at once.
public final class TestClient: Sendable {
    /// How this client addresses its app.
    public let configuration: TestClientConfiguration
    /// The app, as it was given (`module:attr`).
    public let app: String
    /// The cookies responses have set, sent with later requests (RFC 6265 matching). Tests may read
    /// and change it.
    public let cookies = CookieJar()
    let runtime: PythonRuntime
    let appID: Int
    private let lifespan: LifespanRunner?
    private let closed = Atomic<Bool>(false)

    /// Loads the app and runs its lifespan startup.
    /// - Parameters:
    ///   - app: The app as uvicorn addresses it: `package.module:attr.sub`, or `module:factory()`
    ///     to call a factory.
    ///   - configuration: Addressing, timeouts, lifespan and the Python environment.
    /// - Throws: ``TestClientError`` when Python cannot start, the app cannot be loaded, or its
    ///   lifespan startup fails.
    public init(app: String, configuration: TestClientConfiguration = TestClientConfiguration()) async throws {
        self.app = app
        self.configuration = configuration
        do {
            let interpreter = InterpreterConfiguration(
                virtualEnvironment: configuration.virtualEnvironment,
                searchPaths: configuration.pythonPath
            )
            runtime = try await PythonRuntime.shared(interpreter)
            appID = try await runtime.loadApp(app)
        } catch {
            throw TestClientError.from(error)
        }
        do {
            lifespan = try await LifespanRunner.start(runtime: runtime, app: appID, configuration: configuration)
        } catch {
            runtime.releaseApp(appID)
            throw TestClientError.from(error, request: "lifespan startup")
        }
    }

    deinit {
        // A client dropped without close(): no shutdown handshake is possible here, but the
        // lifespan task must not stay parked on the loop forever, nor the app stay loaded.
        if !closed.load(ordering: .relaxed) {
            lifespan?.abandon()
            runtime.releaseApp(appID)
        }
    }

    /// Runs the app's lifespan shutdown. The client cannot be used afterwards; closing twice does nothing.
    /// - Throws: ``TestClientError`` when shutdown fails or times out.
    public func close() async throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer { runtime.releaseApp(appID) }
        do {
            try await lifespan?.shutdown()
        } catch {
            throw TestClientError.from(error, request: "lifespan shutdown")
        }
    }

    /// Sends a request with any method and returns the whole response.
    /// - Parameters:
    ///   - method: The method, such as `.get` or `.init("PROPFIND")!`.
    ///   - path: The path, optionally with a query (`/items?q=a`), kept byte for byte.
    ///   - query: Pairs appended to the query string, percent-encoded.
    ///   - headers: Request headers; they replace the client's default headers of the same name.
    ///   - body: The body bytes.
    ///   - timeout: How long the app may take; the client's default when nil.
    ///   - followRedirects: Whether to follow redirects; the client's default when nil.
    /// - Returns: The response.
    /// - Throws: ``TestClientError`` for a bad request, an app exception, a protocol violation or a
    ///   timeout; `CancellationError` when the task is cancelled.
    public func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        try await send(
            method,
            path,
            query: query,
            headers: headers,
            body: .raw(body),
            timeout: timeout,
            followRedirects: followRedirects
        )
    }

    /// A request and the redirects it leads to (when followed): 301/302 turn a non-GET/HEAD into a
    /// GET without body, 303 turns anything but HEAD into GET, 307/308 keep method and body.
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)],
        headers: HTTPFields,
        body: RequestBody,
        timeout: Duration?,
        followRedirects: Bool? = nil
    ) async throws -> TestResponse {
        var response = try await sendOnce(method, path, query: query, headers: headers, body: body, timeout: timeout)
        guard followRedirects ?? configuration.followRedirects else { return response }
        var history: [TestResponse] = []
        var (method, path, headers, body) = (method, path, headers, body)
        while let location = response.redirectLocation {
            guard history.count < configuration.maxRedirects else {
                throw TestClientError(
                    .tooManyRedirects,
                    "Exceeded \(configuration.maxRedirects) redirects; the last was \(response.status.code) to \(location).",
                    request: "\(method.rawValue) \(path)"
                )
            }
            let code = response.status.code
            if (code == 303 && method != .head) || ((code == 301 || code == 302) && method != .get && method != .head) {
                method = .get
                body = .empty
                headers[.contentType] = nil
                headers[.contentLength] = nil
                headers[.transferEncoding] = nil
            }
            let next = Redirect(location: location, from: path, headers: headers, base: configuration.origin)
            (path, headers) = (next.target, next.headers)
            history.append(response)
            response = try await sendOnce(method, path, query: [], headers: headers, body: body, timeout: timeout)
        }
        response.history = history
        return response
    }

    /// The one path every request takes: build the scope, hand it to the loop thread, wait once.
    private func sendOnce(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)],
        headers: HTTPFields,
        body: RequestBody,
        timeout: Duration?
    ) async throws -> TestResponse {
        let label = "\(method.rawValue) \(path)"
        guard !closed.load(ordering: .relaxed) else {
            throw TestClientError(.clientClosed, "The client was closed.", request: label)
        }
        do {
            let scope = try httpScope(method, path, query: query, headers: headers, body: body)
            let decodedPath = scope.path
            let connection = runtime.open(
                app: appID,
                scope: scope,
                mode: .buffered,
                inbound: [.httpRequest(body: body.bytes, moreBody: false)],
                raiseAppExceptions: configuration.raiseAppExceptions,
                requireLowercaseHeaderNames: configuration.requireLowercaseHeaderNames
            )
            let response = try await connection.response(timeout: timeout ?? configuration.timeout)
            return received(response, method: method, path: path, headers: headers, scopePath: decodedPath)
        } catch {
            throw TestClientError.from(error, request: label)
        }
    }
}

extension TestClient {
    /// The response as tests see it, after the jar took the cookies it sets.
    func received(
        _ response: BufferedResponse,
        method: HTTPRequest.Method,
        path: String,
        headers: HTTPFields,
        scopePath: String
    ) -> TestResponse {
        if configuration.useCookies {
            for header in response.headers where header.name.elementsEqual("set-cookie".utf8) {
                cookies.setCookie(
                    from: String(decoding: header.value, as: UTF8.self),
                    requestHost: cookieHost(headers, origin: RequestTarget.origin(of: path)),
                    requestPath: scopePath
                )
            }
        }
        return TestResponse(response, method: method, path: path)
    }
}

/// Runs `body` with a client over `app`, and closes the client afterwards, also when `body` throws.
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
///   - body: The test.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, else what opening or closing the client throws.
public func withTestClient<Result: Sendable>(
    app: String,
    configuration: TestClientConfiguration = TestClientConfiguration(),
    _ body: (TestClient) async throws -> Result
) async throws -> Result {
    let client = try await TestClient(app: app, configuration: configuration)
    let result: Result
    do {
        result = try await body(client)
    } catch {
        try? await client.close()
        throw error
    }
    try await client.close()
    return result
}
