#if Live
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import PyASGIBridge

/// HTTP/1.1 for live clients: one async-http-client for the process, with its own redirect
/// following and decompression off (the test client follows redirects itself, with history, and
/// keeps its own cookies; async-http-client keeps none).
enum LiveHTTP {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            decompression: .disabled
        )
        // A refused connection fails the call at once (nobody listens, or the server died),
        // instead of being retried until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        // A connection per request. A server may close a kept-alive connection right after a
        // complete response without saying so (uvicorn does when an app raises after its response),
        // and a request the pool sends on it meanwhile fails with a reset, a POST as well as a GET:
        // a test must not fail by another test's traffic on the same server.
        configuration.maximumUsesPerConnection = 1
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }()

    /// Sends the request of `connection`'s scope, its body pulled from what the client pushes, and
    /// emits the response as `http.response.start` and `http.response.body` messages.
    @Sendable static func exchange(_ connection: LiveConnection) async throws {
        let scope = connection.scope
        var target = String(decoding: scope.rawPath, as: UTF8.self)
        if !scope.queryString.isEmpty { target += "?" + String(decoding: scope.queryString, as: UTF8.self) }
        var request = HTTPClientRequest(url: connection.target.baseURL + target)
        request.method = HTTPMethod(rawValue: scope.method)
        var length: HTTPClientRequest.Body.Length?
        for field in scope.headers {
            let name = String(decoding: field.name, as: UTF8.self)
            let value = String(decoding: field.value, as: UTF8.self)
            // async-http-client frames the body itself, from the length it is given.
            switch name {
            case "content-length": length = .known(Int64(value) ?? 0)
            case "transfer-encoding": length = .unknown
            default: request.headers.add(name: name, value: value)
            }
        }
        if let length {
            request.body = .stream(RequestBodyChunks(connection: connection), length: length)
        }
        let response = try await client.execute(request, deadline: .distantFuture)
        let headers = response.headers.map { field in
            HeaderField(name: Array(field.name.lowercased().utf8), value: Array(field.value.utf8))
        }
        await connection.emit(.responseStart(status: Int(response.status.code), headers: headers, trailers: false))
        for try await chunk in response.body {
            await connection.emit(.responseBody(body: Array(chunk.readableBytesView), moreBody: true))
        }
        await connection.target.server?.log.settle(thorough: response.status.code >= 500)
        await connection.emit(.responseBody(body: [], moreBody: false))
        await connection.emit(nil)
    }
}

/// A request body as async-http-client pulls it: each `next()` takes the next `http.request`
/// message the client pushed (so the client's producer runs when the socket wants a chunk).
struct RequestBodyChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let connection: LiveConnection

    struct AsyncIterator: AsyncIteratorProtocol {
        let connection: LiveConnection
        var done = false

        mutating func next() async -> ByteBuffer? {
            while !done {
                switch await connection.nextInbound() {
                case .httpRequest(let body, let more)?:
                    done = !more
                    if !body.isEmpty { return ByteBuffer(bytes: body) }
                case .some:
                    continue
                case nil:
                    done = true
                }
            }
            return nil
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(connection: connection) }
}
#endif
