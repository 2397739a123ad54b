package import HTTPTypes
import PyASGIBridge

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
    /// ended, so an exception the app raises after its last chunk still fails the read (unless
    /// ``TestClientConfiguration/raiseAppExceptions`` is off: then a complete response stands).
    package struct Body: AsyncSequence, Sendable {
        package typealias Element = [UInt8]
        let call: ExchangeCall

        /// Iterates the body; each `next()` waits, with the exchange's timeout, for a chunk.
        package struct AsyncIterator: AsyncIteratorProtocol {
            var call: ExchangeCall?

            package mutating func next() async throws -> [UInt8]? {
                guard let chunk = try await call?.nextChunk() else {
                    call = nil
                    return nil
                }
                return chunk
            }
        }

        package func makeAsyncIterator() -> AsyncIterator { AsyncIterator(call: call) }
    }
}

extension TestClient {
    /// Sends one request and returns as soon as the response head arrives, with the body still
    /// streaming: the one call the OpenAPI transport and the URLSession adapter are built on.
    ///
    /// The request body is pulled one chunk at a time, when the app's `receive()` asks for it.
    /// Redirects are not followed and the cookie jar is not updated (the adapters sit below both);
    /// the client's default headers and the jar's cookies are sent as with every request. An
    /// exception the app raises is thrown, or, when ``TestClientConfiguration/raiseAppExceptions``
    /// is off, answered as a server would: a 500 before the response started, nothing once it was
    /// complete.
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
        var headers = headers
        if body != nil, headers[.contentLength] == nil, headers[.transferEncoding] == nil {
            headers[.transferEncoding] = "chunked"
        }
        let request = ClientRequest(method, path, headers: headers)
        let call: any ConnectionCall
        do {
            let scope = try httpScope(request)
            let options = callOptions(.streaming, label: request.label)
            call = try calls.open(request.label) {
                open(scope, inbound: body == nil ? [.httpRequest(body: [], moreBody: false)] : [], options: options)
            }
        } catch {
            throw TestClientError.from(error, request: request.label)
        }
        // Not a child task: the body streams on after this returns. It is cancelled when the
        // exchange is over.
        let producer = body.map { body in Task { await Self.feed(call, from: body) } }
        let exchange = ExchangeCall(
            call: call,
            calls: calls,
            producer: producer,
            timeout: timeout ?? configuration.timeout,
            label: request.label
        )
        do {
            return try await exchange.head()
        } catch {
            throw TestClientError.from(error, request: request.label)
        }
    }
}

/// One app call behind an ``Exchange``: the call, the task feeding the request body, and how far
/// the response has come. When the last reference goes (the body was dropped) before the response
/// was complete, the client leaves: the app gets a disconnect and is cancelled.
final class ExchangeCall: Sendable {
    private struct State {
        /// `http.response.body` with `more_body: false` has arrived.
        var bodyComplete = false
        /// The app call has ended, or the exchange failed: nothing more will come.
        var over = false
    }

    private let call: any ConnectionCall
    private let calls: ClientCalls
    private let producer: Task<Void, Never>?
    private let timeout: Duration
    private let label: String
    private let state = Locked(State())

    init(call: any ConnectionCall, calls: ClientCalls, producer: Task<Void, Never>?, timeout: Duration, label: String) {
        self.call = call
        self.calls = calls
        self.producer = producer
        self.timeout = timeout
        self.label = label
    }

    deinit {
        producer?.cancel()
        let leftEarly = state.withLock { !$0.bodyComplete && !$0.over }
        if leftEarly { call.leave() }
        calls.remove(call)
    }

    /// Waits for `http.response.start`.
    func head() async throws -> Exchange {
        while true {
            let event: OutboundEvent?
            do {
                event = try await call.nextEvent(timeout: timeout, waitingFor: "http.response.start")
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
                    body: Exchange.Body(call: self)
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
                call.leave(failing: .cancelled)
                finish()
                throw CancellationError()
            }
            let event: OutboundEvent?
            do {
                event = try await call.nextEvent(timeout: timeout, waitingFor: "the next body chunk")
            } catch {
                finish()
                throw TestClientError.from(error, request: label)
            }
            switch event {
            case .responseBody(let chunk, let more)?:
                if !more { state.withLock { $0.bodyComplete = true } }
                if !chunk.isEmpty { return chunk }
            case nil:
                let complete = state.withLock { $0.bodyComplete }
                finish()
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

    /// Nothing more will come: stop the request-body producer, and let `close()` stop waiting.
    private func finish() {
        state.withLock { $0.over = true }
        producer?.cancel()
        calls.remove(call)
    }
}
