#if Live
import NIOCore
import NIOHTTP1
import PyASGIBridge

/// HTTP/1.1 for live clients, on swift-nio's HTTP codec: a connection per request (see
/// `LiveTarget.connect(_:)`), no redirects followed and nothing decompressed (the test client
/// follows redirects itself, with history, and keeps its own cookies).
///
/// Not async-http-client: when a server drops the connection in the middle of a body (uvicorn does
/// when an app raises mid-stream), async-http-client fails the response and discards the body parts
/// it had read but not yet handed on for lack of demand, so the last chunks the server sent were lost
/// now and then. Here every byte read from the socket reaches the client before the failure does.
enum LiveHTTP {
    /// Sends the request of `connection`'s scope, its body pulled from what the client pushes, and
    /// emits the response as `http.response.start` and `http.response.body` messages.
    @Sendable static func exchange(_ connection: LiveConnection) async throws {
        let head = requestHead(connection)
        let sendsBody =
            head.headers.contains(name: "content-length") || head.headers.contains(name: "transfer-encoding")
        let rawHead = RawResponseHead()
        let channel = try await connection.target.connect { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(rawHead)
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                    wrappingChannelSynchronously: channel
                )
            }
        }
        try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The request body, pulled as the socket takes it. A failed write is not the
                // exchange's failure: the server answers, or the read below sees the connection end.
                group.addTask {
                    try? await outbound.write(.head(head))
                    if sendsBody {
                        for await chunk in RequestBodyChunks(connection: connection) {
                            try? await outbound.write(.body(.byteBuffer(chunk)))
                        }
                    }
                    if !Task.isCancelled { try? await outbound.write(.end(nil)) }
                }
                var status: UInt = 0
                for try await part in inbound {
                    switch part {
                    case .head(let response):
                        status = response.status.code
                        let decoded = response.headers.map { field in
                            HeaderField(name: Array(field.name.lowercased().utf8), value: Array(field.value.utf8))
                        }
                        // The bytes as sent, when they are the same fields the parser saw.
                        let raw = rawHead.fields.flatMap { raw in
                            raw.map(\.name) == decoded.map(\.name) ? raw : nil
                        }
                        let headers = raw ?? decoded
                        await connection.emit(.responseStart(status: Int(status), headers: headers, trailers: false))
                    case .body(let chunk):
                        await connection.emit(.responseBody(body: Array(chunk.readableBytesView), moreBody: true))
                    case .end:
                        // A response can end before its request body has (the app did not read it).
                        group.cancelAll()
                        await connection.target.server?.log.settle(thorough: status >= 500)
                        await connection.emit(.responseBody(body: [], moreBody: false))
                        await connection.emit(nil)
                        return
                    }
                }
                throw BridgeFailure.connectionClosed(
                    reason:
                        "The server at \(connection.target.baseURL) closed the connection before the response was complete."
                )
            }
        }
    }

    /// The request line and headers of `connection`'s scope. The headers go as the client made
    /// them (its `host` included), in order; swift-nio frames the body by the `content-length` or
    /// `transfer-encoding` among them.
    private static func requestHead(_ connection: LiveConnection) -> HTTPRequestHead {
        let scope = connection.scope
        var uri = connection.target.pathPrefix + String(decoding: scope.rawPath, as: UTF8.self)
        if !scope.queryString.isEmpty { uri += "?" + String(decoding: scope.queryString, as: UTF8.self) }
        var headers = HTTPHeaders()
        for field in scope.headers {
            headers.add(
                name: String(decoding: field.name, as: UTF8.self),
                value: String(decoding: field.value, as: UTF8.self)
            )
        }
        if !headers.contains(name: "host") {
            let target = connection.target
            let host = target.host.contains(":") ? "[\(target.host)]" : target.host
            headers.add(name: "host", value: "\(host):\(target.port)")
        }
        let method = HTTPMethod(rawValue: scope.method)
        // Without a length, swift-nio would send a POST, PUT or PATCH chunked; an empty body has
        // length 0, as other clients send it.
        if [.POST, .PUT, .PATCH].contains(method), !headers.contains(name: "content-length"),
            !headers.contains(name: "transfer-encoding")
        {
            headers.add(name: "content-length", value: "0")
        }
        return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }
}

/// A request body as the socket takes it: each `next()` takes the next `http.request` message the
/// client pushed (so the client's producer runs when the socket wants a chunk). It ends with the
/// body, when the client leaves, or when the reading task is cancelled.
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
