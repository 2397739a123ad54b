public import HTTPTypes
import PyASGIBridge

/// A response whose head has arrived and whose body is read as it comes, from
/// ``TestClient/stream(_:method:query:headers:body:timeout:_:)``.
///
/// ```swift
/// try await client.stream("/events") { streamed in
///     #expect(streamed.status == .ok)
///     for try await chunk in streamed.body { ... }
/// }
/// ```
public struct StreamedResponse: Sendable {
    /// The status from `http.response.start`.
    public let status: HTTPResponse.Status
    /// The headers from `http.response.start`.
    public let headers: HTTPFields
    /// The headers exactly as sent: bytes, in order, duplicates kept.
    public let rawHeaders: [(name: [UInt8], value: [UInt8])]
    /// The body, chunk by chunk, as the app sends it. It ends when the response is complete, and
    /// throws if the app fails mid-stream.
    public let body: Body
    let progress: StreamProgress

    /// Trailers (`http.response.trailers`), once the body has been read to its end.
    public var trailers: HTTPFields {
        HTTPFields(progress.trailers)
    }

    /// The body chunks, an `AsyncSequence` of `[UInt8]`.
    public struct Body: AsyncSequence, Sendable {
        /// Each element is one message (websocket) or one body chunk (stream).
        public typealias Element = [UInt8]
        let connection: Connection
        let timeout: Duration
        let progress: StreamProgress

        /// Iterates the sequence; each `next()` waits (with the timeout) for the next element.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let body: Body

            /// The next element, or nil at the end.

            public mutating func next() async throws -> [UInt8]? {
                try await body.nextChunk()
            }
        }

        /// An iterator over the elements.

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }

        func nextChunk() async throws -> [UInt8]? {
            while !progress.isComplete {
                let event: OutboundEvent?
                do {
                    event = try await connection.nextEvent(timeout: timeout, waitingFor: "the next body chunk")
                } catch {
                    throw TestClientError.from(error, request: "stream")
                }
                switch event {
                case .responseBody(let chunk, let more)?:
                    if !more { progress.bodyComplete() }
                    if !chunk.isEmpty { return chunk }
                case .responseTrailers(let headers, let more)?:
                    progress.addTrailers(headers, complete: !more)
                case nil:
                    progress.appEnded()
                case .some:
                    continue
                }
            }
            return nil
        }
    }
}

/// Where a streamed response is: whether its body (and trailers) are complete.
final class StreamProgress: Sendable {
    private struct State {
        var bodyDone = false
        var expectTrailers = false
        var trailersDone = false
        var appEnded = false
        var trailers: [HeaderField] = []
    }
    private let state: Locked<State>

    init(expectTrailers: Bool) {
        state = Locked(State(expectTrailers: expectTrailers))
    }

    var isComplete: Bool {
        state.withLock { $0.appEnded || ($0.bodyDone && (!$0.expectTrailers || $0.trailersDone)) }
    }
    var trailers: [HeaderField] { state.withLock { $0.trailers } }

    func bodyComplete() { state.withLock { $0.bodyDone = true } }
    func appEnded() { state.withLock { $0.appEnded = true } }
    func addTrailers(_ headers: [HeaderField], complete: Bool) {
        state.withLock {
            $0.trailers += headers
            if complete { $0.trailersDone = true }
        }
    }
}

extension TestClient {
    /// Sends a request and gives `body` the response as soon as its head arrives, with the body as
    /// an `AsyncSequence` of chunks. Leaving `body` before the response is complete sends
    /// `http.disconnect` to the app and cancels it; the call returns when the app call has ended.
    /// - Parameters:
    ///   - path: The path, optionally with a query.
    ///   - method: The method.
    ///   - query: Pairs appended to the query string.
    ///   - headers: Request headers.
    ///   - body: The request body bytes.
    ///   - timeout: How long the head, and then each chunk, may take.
    ///   - handler: Reads the response.
    /// - Returns: What `handler` returns.
    /// - Throws: ``TestClientError`` as for a request, and what `handler` throws.
    public func stream<Result: Sendable>(
        _ path: String,
        method: HTTPRequest.Method = .get,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        _ handler: (StreamedResponse) async throws -> Result
    ) async throws -> Result {
        let label = "\(method.rawValue) \(path)"
        let timeout = timeout ?? configuration.timeout
        let connection: Connection
        let streamed: StreamedResponse
        do {
            let requestBody = RequestBody.raw(body)
            let scope = try httpScope(method, path, query: query, headers: headers, body: requestBody)
            connection = runtime.open(
                app: appID,
                scope: scope,
                mode: .streaming,
                inbound: [.httpRequest(body: requestBody.bytes, moreBody: false)],
                requireLowercaseHeaderNames: configuration.requireLowercaseHeaderNames
            )
            streamed = try await head(connection, timeout: timeout)
        } catch {
            throw TestClientError.from(error, request: label)
        }
        let result: Result
        do {
            result = try await handler(streamed)
        } catch {
            try? await finishStream(connection, streamed, timeout: timeout, label: label)
            throw error
        }
        try await finishStream(connection, streamed, timeout: timeout, label: label)
        return result
    }

    private func head(_ connection: Connection, timeout: Duration) async throws -> StreamedResponse {
        while true {
            switch try await connection.nextEvent(timeout: timeout, waitingFor: "http.response.start") {
            case .responseStart(let status, let headers, let trailers)?:
                let progress = StreamProgress(expectTrailers: trailers)
                return StreamedResponse(
                    status: HTTPResponse.Status(code: status, reasonPhrase: ReasonPhrase.standard(status)),
                    headers: HTTPFields(headers),
                    rawHeaders: headers.map { ($0.name, $0.value) },
                    body: StreamedResponse.Body(connection: connection, timeout: timeout, progress: progress),
                    progress: progress
                )
            case .responseDebug?:
                continue
            case nil:
                throw BridgeFailure.protocolViolation(
                    message: "ASGI callable returned without starting response.",
                    messageType: nil,
                    state: "before http.response.start"
                )
            case let other?:
                throw BridgeFailure.protocolViolation(
                    message: "Expected ASGI message 'http.response.start', but got '\(other.typeName)'.",
                    messageType: other.typeName,
                    state: "before http.response.start"
                )
            }
        }
    }

    /// After the handler: read to the end if the response is complete, else disconnect; then wait
    /// for the app call to end so no task is left running and late exceptions surface.
    private func finishStream(
        _ connection: Connection,
        _ streamed: StreamedResponse,
        timeout: Duration,
        label: String
    ) async throws {
        let leftEarly = !streamed.progress.isComplete
        if leftEarly { connection.disconnect() }
        do {
            while try await connection.nextEvent(timeout: timeout, waitingFor: "the app call to end") != nil {}
        } catch BridgeFailure.cancelled where leftEarly {
            // Cancelled after the disconnect, as intended.
        } catch BridgeFailure.appException where leftEarly {
            // The app failed on its way out after the client left; a server would only log it.
        } catch {
            throw TestClientError.from(error, request: label)
        }
    }
}
