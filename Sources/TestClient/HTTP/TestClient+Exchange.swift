package import HTTPTypes
import PyASGIBridge
import Synchronization

/// A response head from ``TestClient/exchange(method:path:headers:body:timeout:)``, and its body as
/// it streams.
package struct Exchange: Sendable {
    /// The status from `http.response.start`.
    package let status: HTTPResponse.Status
    /// The headers from `http.response.start`.
    package let headers: HTTPFields
    /// The headers exactly as sent: bytes, in order, duplicates kept.
    package let rawHeaders: [(name: [UInt8], value: [UInt8])]
    /// The body chunks as the app sends them. Read it once. Dropping it (or its iterator) before
    /// its end, or cancelling a read, disconnects the app.
    package let body: Body

    /// The response body: an `AsyncSequence` of `[UInt8]` chunks. It ends when the app call has
    /// ended, so an exception the app raises after its last chunk still fails the read.
    package struct Body: AsyncSequence, Sendable {
        package typealias Element = [UInt8]
        let source: Source

        enum Source: Sendable {
            case app(ExchangeCall)
            /// A response made here (the 500 standing in for an app exception).
            case fixed([UInt8])
        }

        /// Iterates the body; each `next()` waits, with the exchange's timeout, for a chunk.
        package struct AsyncIterator: AsyncIteratorProtocol {
            var source: Source?

            package mutating func next() async throws -> [UInt8]? {
                switch source {
                case .app(let call)?:
                    guard let chunk = try await call.nextChunk() else {
                        source = nil
                        return nil
                    }
                    return chunk
                case .fixed(let bytes)?:
                    source = nil
                    return bytes.isEmpty ? nil : bytes
                case nil:
                    return nil
                }
            }
        }

        package func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }
    }
}

extension TestClient {
    /// Sends one request and returns as soon as the response head arrives, with the body still
    /// streaming: the one call the OpenAPI transport and the URLSession adapter are built on.
    ///
    /// The request body is pulled one chunk at a time, when the app's `receive()` asks for it.
    /// Redirects are not followed and the cookie jar is not updated (the adapters sit below both);
    /// the client's default headers and the jar's cookies are sent as with every request. An
    /// exception the app raises before starting its response is thrown, or answered with a 500
    /// when ``TestClientConfiguration/raiseAppExceptions`` is off.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path with its query, as a request target (`/items?tag=a`).
    ///   - headers: Request headers; a `Host` field sets the `host` header.
    ///   - body: The body chunks, or nil for no body. `Transfer-Encoding: chunked` is sent unless
    ///     `headers` has a `Content-Length`.
    ///   - timeout: How long the head, and then each chunk, may take; the client's when nil.
    /// - Returns: The head and the streaming body.
    /// - Throws: ``TestClientError`` as for a request; `CancellationError` when cancelled.
    package func exchange<Chunks: AsyncSequence & Sendable>(
        method: HTTPRequest.Method,
        path: String,
        headers: HTTPFields,
        body: Chunks?,
        timeout: Duration? = nil
    ) async throws -> Exchange where Chunks.Element == [UInt8] {
        let label = "\(method.rawValue) \(path)"
        let timeout = timeout ?? configuration.timeout
        var headers = headers
        if body != nil, headers[.contentLength] == nil, headers[.transferEncoding] == nil {
            headers[.transferEncoding] = "chunked"
        }
        let connection: Connection
        do {
            let scope = try httpScope(method, path, query: [], headers: headers, body: .empty)
            connection = runtime.open(
                app: appID,
                scope: scope,
                mode: .streaming,
                inbound: body == nil ? [.httpRequest(body: [], moreBody: false)] : [],
                requireLowercaseHeaderNames: configuration.requireLowercaseHeaderNames
            )
        } catch {
            throw TestClientError.from(error, request: label)
        }
        let producer = body.map { body in Task { await Self.produce(body, into: connection) } }
        let call = ExchangeCall(
            connection: connection,
            producer: producer,
            timeout: timeout,
            label: label,
            raiseAppExceptions: configuration.raiseAppExceptions
        )
        do {
            return try await call.head(isHead: method == .head)
        } catch {
            throw TestClientError.from(error, request: label)
        }
    }

    /// Feeds `body` to the app, one `http.request` per chunk, each only once the app waits for it.
    private static func produce<Chunks: AsyncSequence & Sendable>(
        _ body: Chunks,
        into connection: Connection
    ) async where Chunks.Element == [UInt8] {
        do {
            var chunks = body.makeAsyncIterator()
            while await connection.waitForDemand() {
                guard let chunk = try await chunks.next() else {
                    connection.push(.httpRequest(body: [], moreBody: false))
                    return
                }
                connection.push(.httpRequest(body: chunk, moreBody: true))
            }
        } catch is CancellationError {
            // The exchange is over; the connection has already ended.
        } catch {
            connection.abort(.connectionClosed(reason: "The request body sequence failed: \(error)"))
        }
    }
}

/// One app call behind an ``Exchange``: the connection, the task feeding the request body, and
/// how far the response has come. When the last reference goes (the body was dropped) before the
/// response was complete, the app is disconnected.
final class ExchangeCall: Sendable {
    private struct State {
        /// `http.response.body` with `more_body: false` has arrived.
        var bodyComplete = false
        /// The app call has ended, or the exchange failed: nothing more will come.
        var over = false
    }

    let connection: Connection
    private let producer: Task<Void, Never>?
    private let timeout: Duration
    private let label: String
    private let raiseAppExceptions: Bool
    private let state = Mutex(State())

    init(
        connection: Connection,
        producer: Task<Void, Never>?,
        timeout: Duration,
        label: String,
        raiseAppExceptions: Bool
    ) {
        self.connection = connection
        self.producer = producer
        self.timeout = timeout
        self.label = label
        self.raiseAppExceptions = raiseAppExceptions
    }

    deinit {
        producer?.cancel()
        let leftEarly = state.withLock { !$0.bodyComplete && !$0.over }
        if leftEarly { connection.disconnect() }
    }

    /// Waits for `http.response.start`.
    func head(isHead: Bool) async throws -> Exchange {
        while true {
            let event: OutboundEvent?
            do {
                event = try await connection.nextEvent(timeout: timeout, waitingFor: "http.response.start")
            } catch BridgeFailure.appException where !raiseAppExceptions {
                finish()
                // What uvicorn answers when the app raised before starting the response.
                return Exchange(
                    status: .internalServerError,
                    headers: [.contentType: "text/plain; charset=utf-8", .connection: "close"],
                    rawHeaders: [
                        (Array("content-type".utf8), Array("text/plain; charset=utf-8".utf8)),
                        (Array("connection".utf8), Array("close".utf8)),
                    ],
                    body: Exchange.Body(source: .fixed(isHead ? [] : Array("Internal Server Error".utf8)))
                )
            } catch {
                finish()
                throw error
            }
            switch event {
            case .responseStart(let status, let headers, _)?:
                return Exchange(
                    status: HTTPResponse.Status(code: status, reasonPhrase: ReasonPhrase.standard(status)),
                    headers: HTTPFields(headers),
                    rawHeaders: headers.map { ($0.name, $0.value) },
                    body: Exchange.Body(source: .app(self))
                )
            case .responseDebug?:
                continue
            case nil:
                finish()
                throw BridgeFailure.protocolViolation(
                    message: "ASGI callable returned without starting response.",
                    messageType: nil,
                    state: "before http.response.start"
                )
            case let other?:
                finish()
                throw BridgeFailure.protocolViolation(
                    message: "Expected ASGI message 'http.response.start', but got '\(other.typeName)'.",
                    messageType: other.typeName,
                    state: "before http.response.start"
                )
            }
        }
    }

    /// The next non-empty body chunk; nil once the app call has ended after a complete response.
    func nextChunk() async throws -> [UInt8]? {
        while !state.withLock({ $0.over }) {
            if Task.isCancelled {
                // nextEvent returns queued chunks without looking at cancellation: a reader of an
                // endless stream would never stop.
                connection.abort(.cancelled)
                finish()
                throw CancellationError()
            }
            let event: OutboundEvent?
            do {
                event = try await connection.nextEvent(timeout: timeout, waitingFor: "the next body chunk")
            } catch BridgeFailure.appException where !raiseAppExceptions && state.withLock({ $0.bodyComplete }) {
                // The response was complete; a server would only log what the app raised after it.
                finish()
                return nil
            } catch {
                finish()
                throw TestClientError.from(error, request: label)
            }
            switch event {
            case .responseBody(let chunk, let more)?:
                if !more { state.withLock { $0.bodyComplete = true } }
                if !chunk.isEmpty { return chunk }
            case nil:
                let complete = state.withLock { state in
                    state.over = true
                    return state.bodyComplete
                }
                producer?.cancel()
                if !complete {
                    throw TestClientError.from(
                        BridgeFailure.protocolViolation(
                            message: "ASGI callable returned without completing response.",
                            messageType: nil,
                            state: "http.response.body"
                        ),
                        request: label
                    )
                }
            case .some:
                // Trailers and debug messages: the adapters have no place for them.
                continue
            }
        }
        return nil
    }

    private func finish() {
        state.withLock { $0.over = true }
        producer?.cancel()
    }
}
