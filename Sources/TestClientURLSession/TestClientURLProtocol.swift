import HTTPTypes
import PyASGIBridge
import TestClient

#if canImport(FoundationNetworking)
import Foundation
public import FoundationNetworking
#else
public import Foundation
#endif

/// The `URLProtocol` behind `URLSessionConfiguration.testClient(_:)`: it answers
/// requests for a `TestClient`'s `baseURL` from that client's app, in-process.
///
/// Put it first in the `protocolClasses` of a configuration of your own when
/// `URLSessionConfiguration.testClient(_:)` does not fit:
///
/// ```swift
/// let configuration = URLSessionConfiguration.default
/// configuration.protocolClasses = [TestClientURLProtocol.self]
/// let session = URLSession(configuration: configuration)
/// _ = try await session.data(from: client.baseURL.appendingPathComponent("items"))
/// ```
///
/// Requests are routed by the URL's authority alone (`testserver:<port>`): on Linux a
/// `URLProtocol` sees neither the session's `httpAdditionalHeaders` nor its configuration. A URL on
/// a test client's host whose port no live client has fails at once with `URLError` code
/// `.cannotConnectToHost`, instead of going to DNS.
///
/// - Bodies: `httpBody` and `httpBodyStream` both reach the app; the stream is read 64 KiB at a
///   time as the app asks for more.
/// - Responses: status, headers and body arrive as from a server; a 404 is a response, not an
///   error. With a data delegate, the body is delivered chunk by chunk while the app sends it
///   (on Linux, to a session delegate that is a `URLSessionDataDelegate`, for tasks made without
///   a completion handler; elsewhere on Linux in one piece, because FoundationNetworking keeps only
///   the last piece for `data(for:)` and completion handlers).
/// - Redirects: on Apple platforms URLSession gets them (`wasRedirectedTo`) and decides as with a
///   server. On Linux FoundationNetworking does not implement that call: the 3xx response is
///   returned as it is.
/// - Cookies are the session's business. On Linux FoundationNetworking stores no `Set-Cookie`
///   that comes through a `URLProtocol`: send the `Cookie` header yourself.
/// - Upload tasks (`upload(for:from:)`) fail at once on Linux with `URLError` code
///   `.unsupportedURL`: FoundationNetworking does not give a `URLProtocol` their body. Use
///   `data(for:)` with `httpBody` or `httpBodyStream`.
/// - An app exception fails the task with the `TestClientError` (or is answered with 500, as
///   `TestClientConfiguration.raiseAppExceptions` says). Cancelling the task disconnects the app.
public class TestClientURLProtocol: URLProtocol {
    private let loading = Locked<(task: Task<Void, Never>, reporter: Reporter)?>(nil)

    /// Whether the request is for a test client: its host is the host of some client's base URL.
    /// - Parameter request: The request.
    /// - Returns: True to handle it here.
    override public class func canInit(with request: URLRequest) -> Bool {
        guard let host = request.url?.host(percentEncoded: false) else { return false }
        return TestClient.isTestHost(host)
    }

    /// The request unchanged.
    /// - Parameter request: The request.
    /// - Returns: `request`.
    override public class func canonicalRequest(for request: URLRequest) -> URLRequest {
        request
    }

    /// Sends the request to the app of the client whose base URL it addresses.
    override public func startLoading() {
        let reporter = Reporter(urlProtocol: self)
        let request = self.request
        guard let url = request.url, let client = Self.client(for: url) else {
            reporter.fail(
                URLError(
                    .cannotConnectToHost,
                    "No live TestClient has the base URL of \(request.url?.absoluteString ?? "this request"). "
                        + "Build URLs from client.baseURL, and keep the client open while the session uses it."
                )
            )
            return
        }
        #if canImport(Darwin)
        let streams = true
        #else
        if task is URLSessionUploadTask {
            reporter.fail(
                URLError(
                    .unsupportedURL,
                    "Upload tasks cannot reach an in-process app on Linux: FoundationNetworking does not give a "
                        + "URLProtocol their body. Use data(for:) with httpBody or httpBodyStream."
                )
            )
            return
        }
        let streams = FoundationNetworkingTask.deliversChunksToDelegate(task)
        #endif
        let outgoing: Outgoing
        do {
            outgoing = try Outgoing(request)
        } catch {
            reporter.fail(error)
            return
        }
        let task = Self.spawn(outgoing, url: url, client: client, reporter: reporter, streams: streams)
        loading.withLock { $0 = (task, reporter) }
    }

    /// Stops delivering, and disconnects the app if it is still sending.
    override public func stopLoading() {
        guard let (task, reporter) = loading.withLock({ $0 }) else { return }
        reporter.stop()
        task.cancel()
    }

    private static func spawn(
        _ outgoing: Outgoing,
        url: URL,
        client: TestClient,
        reporter: Reporter,
        streams: Bool
    ) -> Task<Void, Never> {
        Task { await load(outgoing, url: url, client: client, reporter: reporter, streams: streams) }
    }

    private static func load(
        _ outgoing: Outgoing,
        url: URL,
        client: TestClient,
        reporter: Reporter,
        streams: Bool
    ) async {
        do {
            let exchange = try await client.exchange(
                method: outgoing.method,
                path: outgoing.path,
                headers: outgoing.headers,
                body: outgoing.body
            )
            let response = HTTPURLResponse(
                url: url,
                statusCode: exchange.status.code,
                httpVersion: "HTTP/1.1",
                headerFields: Self.headerDictionary(exchange.headers)
            )!
            #if canImport(Darwin)
            if let redirect = outgoing.redirect(exchange.status.code, exchange.headers[.location], from: url) {
                reporter.redirect(to: redirect, response: response)
                return
            }
            #endif
            reporter.receive(response)
            var pending = Data()
            for try await chunk in exchange.body {
                if streams {
                    reporter.load(Data(chunk))
                } else {
                    pending.append(contentsOf: chunk)
                }
            }
            if !pending.isEmpty { reporter.load(pending) }
            reporter.finish()
        } catch {
            reporter.fail(error)
        }
    }

    /// The client whose app answers `url`: the in-process client with that base URL. (A session
    /// made for a live client has a subclass of its own, `LiveClientURLProtocol`, which names that
    /// client.)
    class func client(for url: URL) -> TestClient? {
        TestClient.registered(authority: authority(of: url))
    }

    /// `host:port`, lowercased, with the scheme's port when the URL has none.
    static func authority(of url: URL) -> String {
        let host = (url.host(percentEncoded: false) ?? "").lowercased()
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }

    /// The headers as `HTTPURLResponse` takes them: one entry per name, repeated values joined.
    static func headerDictionary(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields {
            let name = field.name.rawName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return headers
    }
}

/// What the app is sent, taken from the `URLRequest` before the loading task starts.
private struct Outgoing: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var headers: HTTPFields
    var body: URLRequestBody?

    init(_ request: URLRequest) throws {
        guard let url = request.url, let method = HTTPRequest.Method(request.httpMethod ?? "GET") else {
            throw URLError(.badURL, "The request has no URL or an invalid method.")
        }
        self.method = method
        var path = url.path(percentEncoded: true)
        if path.isEmpty { path = "/" }
        if let query = url.query(percentEncoded: true) { path += "?" + query }
        self.path = path
        var headers = HTTPFields()
        for (name, value) in request.allHTTPHeaderFields ?? [:] {
            guard let name = HTTPField.Name(name) else {
                throw URLError(.badURL, "The header name \"\(name)\" is not an HTTP token.")
            }
            headers.append(HTTPField(name: name, value: value))
        }
        if let host = url.host(percentEncoded: true) {
            headers[HTTPField.Name("host")!] = url.port.map { "\(host):\($0)" } ?? host
        }
        if let data = request.httpBody {
            if headers[.contentLength] == nil { headers[.contentLength] = String(data.count) }
            body = .bytes(Array(data))
        } else if let stream = request.httpBodyStream {
            body = .stream(InputStreamReader(stream))
        }
        self.headers = headers
    }

    #if canImport(Darwin)
    /// The request a 3xx with a `Location` leads to, with the method rules browsers use.
    func redirect(_ status: Int, _ location: String?, from url: URL) -> URLRequest? {
        guard (300..<400).contains(status), status != 304, let location,
            let target = URL(string: location, relativeTo: url)?.absoluteURL
        else { return nil }
        var request = URLRequest(url: target)
        request.httpMethod = method.rawValue
        for field in headers where field.name != .contentLength && field.name.rawName.lowercased() != "host" {
            request.addValue(field.value, forHTTPHeaderField: field.name.rawName)
        }
        if (status == 303 && method != .head) || ((status == 301 || status == 302) && method == .post) {
            request.httpMethod = "GET"
            request.setValue(nil, forHTTPHeaderField: "Content-Type")
        } else if case .bytes(let bytes)? = body {
            request.httpBody = Data(bytes)
        }
        return request
    }
    #endif
}

/// A request body as chunks: `httpBody` in one, `httpBodyStream` 64 KiB at a time.
private enum URLRequestBody: AsyncSequence, Sendable {
    typealias Element = [UInt8]

    case bytes([UInt8])
    case stream(InputStreamReader)

    struct AsyncIterator: AsyncIteratorProtocol {
        var body: URLRequestBody?

        mutating func next() async throws -> [UInt8]? {
            switch body {
            case .bytes(let bytes)?:
                body = nil
                return bytes.isEmpty ? nil : bytes
            case .stream(let reader)?:
                guard let chunk = try reader.read() else {
                    body = nil
                    return nil
                }
                return chunk
            case nil:
                return nil
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}

/// Reads an `httpBodyStream`.
///
/// `@unchecked Sendable`: the stream is handed over when loading starts and from then on is read
/// only by the exchange's request-body producer, which asks for one chunk after another and never
/// concurrently, so the stream and `state` are never touched by two threads at once.
private final class InputStreamReader: @unchecked Sendable {
    private enum State {
        case unopened, open, closed
    }

    private let stream: InputStream
    private var state = State.unopened

    init(_ stream: InputStream) {
        self.stream = stream
    }

    deinit {
        if state == .open { stream.close() }
    }

    func read() throws -> [UInt8]? {
        switch state {
        case .closed: return nil
        case .unopened:
            stream.open()
            state = .open
        case .open: break
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBufferPointer { stream.read($0.baseAddress!, maxLength: $0.count) }
        if count > 0 { return Array(chunk[..<count]) }
        stream.close()
        state = .closed
        if count < 0 {
            throw stream.streamError ?? URLError(.cannotDecodeRawData, "The httpBodyStream failed.")
        }
        return nil
    }
}

/// Reports a load to URLSession.
///
/// `@unchecked Sendable`: URLSession's client calls are made only by the loading task, one after
/// another, each under `stopped`'s lock; `stopLoading` takes the same lock to stop them, so none
/// can follow it (FoundationNetworking traps on a call for a task it has already finished). The
/// protocol object is held weakly: once URLSession lets it go, nothing is reported.
private final class Reporter: @unchecked Sendable {
    private weak var urlProtocol: URLProtocol?
    private let stopped = Locked(false)

    init(urlProtocol: URLProtocol) {
        self.urlProtocol = urlProtocol
    }

    func stop() {
        stopped.withLock { $0 = true }
    }

    private func report(_ call: (any URLProtocolClient, URLProtocol) -> Void) {
        stopped.withLock { stopped in
            guard !stopped, let urlProtocol, let client = urlProtocol.client else { return }
            call(client, urlProtocol)
        }
    }

    private func reportLast(_ call: (any URLProtocolClient, URLProtocol) -> Void) {
        stopped.withLock { stopped in
            guard !stopped, let urlProtocol, let client = urlProtocol.client else { return }
            stopped = true
            call(client, urlProtocol)
        }
    }

    func receive(_ response: URLResponse) {
        report { $0.urlProtocol($1, didReceive: response, cacheStoragePolicy: .notAllowed) }
    }

    func load(_ data: Data) {
        report { $0.urlProtocol($1, didLoad: data) }
    }

    func finish() {
        reportLast { $0.urlProtocolDidFinishLoading($1) }
    }

    func fail(_ error: any Error) {
        reportLast { $0.urlProtocol($1, didFailWithError: error) }
    }

    #if canImport(Darwin)
    /// Hands the redirect to URLSession, which follows it (or asks its delegate) with a new load;
    /// this one ends as Apple's sample protocols end theirs.
    func redirect(to request: URLRequest, response: URLResponse) {
        reportLast { client, urlProtocol in
            client.urlProtocol(urlProtocol, wasRedirectedTo: request, redirectResponse: response)
            client.urlProtocol(urlProtocol, didFailWithError: CocoaError(.userCancelled))
        }
    }
    #endif
}

extension URLError {
    fileprivate init(_ code: Code, _ description: String) {
        self.init(code, userInfo: [NSLocalizedDescriptionKey: description])
    }
}
