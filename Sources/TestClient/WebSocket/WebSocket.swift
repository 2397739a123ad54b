public import Foundation
public import HTTPTypes
import PyASGIBridge

/// An open websocket to the app, from
/// ``TestClient/websocket(_:query:subprotocols:headers:timeout:isolation:fileID:line:_:)``.
/// Every receive has a timeout, so a test never hangs on an app that does not answer.
///
/// ```swift
/// try await client.websocket("/ws", subprotocols: ["chat"]) { ws in
///     try await ws.send(text: "hi")
///     #expect(try await ws.receiveText() == "hi")
/// }
/// ```
public final class WebSocket: Sendable {
    /// The subprotocol the app accepted, if any.
    public let acceptedSubprotocol: String?
    /// The headers the app sent with `websocket.accept`.
    public let acceptHeaders: HTTPFields
    /// The path the websocket was opened on.
    public let path: String
    private let call: any ConnectionCall
    /// `WEBSOCKET /ws (File.swift:12)`, as errors name the socket.
    private let label: String
    private let timeout: Duration
    private struct State {
        var closed: (code: Int, reason: String, byApp: Bool)?
    }
    private let state = Locked(State())

    init(
        call: any ConnectionCall,
        accept: (subprotocol: String?, headers: [HeaderField]),
        path: String,
        label: String,
        timeout: Duration
    ) {
        self.call = call
        self.acceptedSubprotocol = accept.subprotocol
        self.acceptHeaders = HTTPFields(accept.headers)
        self.path = path
        self.label = label
        self.timeout = timeout
    }

    /// Whether the socket is closed (by either side).
    public var isClosed: Bool { state.withLock { $0.closed != nil } }

    /// What the app logged, printed or warned while it handled this websocket, so far.
    public var logs: [AppLogRecord] { call.logs.records }

    // MARK: Sending

    /// Sends a text message (`websocket.receive` with `text`).
    /// - Throws: ``TestClientError/Code/websocketClosed`` when the socket is closed.
    public func send(text: String) async throws {
        try push(.text(text))
    }

    /// Sends a binary message (`websocket.receive` with `bytes`).
    /// - Throws: ``TestClientError/Code/websocketClosed`` when the socket is closed.
    public func send(bytes: [UInt8]) async throws {
        try push(.bytes(bytes))
    }

    /// Sends `value` encoded as JSON, in a text frame (default) or a binary one.
    /// - Throws: `EncodingError`, or ``TestClientError/Code/websocketClosed``.
    public func send(
        json value: some Encodable,
        binary: Bool = false,
        encoder: JSONEncoder = JSONEncoder()
    ) async throws {
        let data = Array(try encoder.encode(value))
        try push(binary ? .bytes(data) : .text(String(decoding: data, as: UTF8.self)))
    }

    private func push(_ payload: WebSocketPayload) throws(TestClientError) {
        if let closed = state.withLock({ $0.closed }) { throw closedError(closed) }
        call.push(.websocketReceive(payload))
    }

    // MARK: Receiving

    /// The next message the app sends.
    /// - Parameter timeout: How long to wait; the client's timeout when nil.
    /// - Returns: The message.
    /// - Throws: ``TestClientError/Code/websocketClosed`` when the app closes or ends,
    ///   ``TestClientError/Code/timeout``, or the app's exception.
    public func receive(timeout: Duration? = nil) async throws -> WebSocketMessage {
        if let closed = state.withLock({ $0.closed }) { throw closedError(closed) }
        let event: OutboundEvent?
        do {
            event = try await call.nextEvent(timeout: timeout ?? self.timeout, waitingFor: "a websocket message")
        } catch {
            throw TestClientError.from(error, request: label)
        }
        switch event {
        case .websocketSend(.text(let text)):
            return .text(text)
        case .websocketSend(.bytes(let bytes)):
            return .bytes(bytes)
        case .websocketClose(let code, let reason):
            let closed = (code: code, reason: reason, byApp: true)
            state.withLock { $0.closed = closed }
            throw closedError(closed)
        case nil:
            let closed = (code: 1006, reason: "The app returned without closing the websocket.", byApp: true)
            state.withLock { $0.closed = closed }
            throw closedError(closed)
        case let other?:
            throw TestClientError(
                .protocolViolation,
                "Unexpected '\(other.typeName)' on an open websocket.",
                messageType: other.typeName
            )
        }
    }

    /// The next message, which must be text.
    /// - Throws: ``TestClientError/Code/unexpectedMessage`` when bytes came, and what ``receive(timeout:)`` throws.
    public func receiveText(timeout: Duration? = nil) async throws -> String {
        switch try await receive(timeout: timeout) {
        case .text(let text): return text
        case .bytes(let bytes):
            throw TestClientError(.unexpectedMessage, "Expected a text message, got \(bytes.count) bytes.")
        }
    }

    /// The next message, which must be binary.
    /// - Throws: ``TestClientError/Code/unexpectedMessage`` when text came, and what ``receive(timeout:)`` throws.
    public func receiveBytes(timeout: Duration? = nil) async throws -> [UInt8] {
        switch try await receive(timeout: timeout) {
        case .bytes(let bytes): return bytes
        case .text(let text):
            throw TestClientError(.unexpectedMessage, "Expected a binary message, got text: \(text.prefix(200))")
        }
    }

    /// The next message (text or binary) decoded from JSON.
    /// - Throws: `DecodingError`, and what ``receive(timeout:)`` throws.
    public func receiveJSON<T: Decodable>(
        _ type: T.Type = T.self,
        timeout: Duration? = nil,
        decoder: JSONDecoder = JSONDecoder()
    ) async throws -> T {
        switch try await receive(timeout: timeout) {
        case .text(let text): return try decoder.decode(type, from: Data(text.utf8))
        case .bytes(let bytes): return try decoder.decode(type, from: Data(bytes))
        }
    }

    /// The messages the app sends, until it closes the socket.
    public var messages: Messages { Messages(socket: self) }

    /// An `AsyncSequence` of messages; it ends when the socket closes, and throws other failures.
    public struct Messages: AsyncSequence, Sendable {
        /// Each element is one message (websocket) or one body chunk (stream).
        public typealias Element = WebSocketMessage
        let socket: WebSocket

        /// Iterates the sequence; each `next()` waits (with the timeout) for the next element.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let socket: WebSocket

            /// The next element, or nil at the end.

            public mutating func next() async throws -> WebSocketMessage? {
                do {
                    return try await socket.receive()
                } catch let error as TestClientError where error.code == .websocketClosed {
                    return nil
                }
            }
        }

        /// An iterator over the elements.

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(socket: socket) }
    }

    // MARK: Closing

    /// Closes the socket: the app receives `websocket.disconnect` with `code` and `reason`. From then
    /// on the app's `websocket.send` is refused as a server refuses it (at spec 2.4 it raises an
    /// `OSError`; before, it does nothing), so an app that never reads cannot keep sending.
    /// Closing a closed socket does nothing.
    public func close(code: Int = 1000, reason: String = "") async throws {
        let wasOpen = state.withLock { state -> Bool in
            guard state.closed == nil else { return false }
            state.closed = (code, reason, false)
            return true
        }
        if wasOpen { call.push(.websocketDisconnect(code: code, reason: reason)) }
    }

    /// After the test's closure: close if open, then wait for the app call to end (so no task is
    /// left running); an app that does not end in time is cancelled.
    func finish() async throws {
        try await close(code: 1000)
        do {
            while try await call.nextEvent(timeout: timeout, waitingFor: "the websocket app to return") != nil {}
        } catch BridgeFailure.timeout {
            call.leave(
                failing: .connectionClosed(
                    reason: "The websocket app did not return after the socket closed; it was cancelled."
                )
            )
        } catch BridgeFailure.cancelled where !Task.isCancelled {
            // The client left first (`close()` of the client from inside this websocket's closure).
        } catch {
            throw TestClientError.from(error, request: label)
        }
    }

    private func closedError(_ closed: (code: Int, reason: String, byApp: Bool)) -> TestClientError {
        let who = closed.byApp ? "The app closed the websocket" : "The websocket was closed"
        return TestClientError(
            .websocketClosed,
            "\(who) with code \(closed.code)" + (closed.reason.isEmpty ? "." : ": \(closed.reason)"),
            request: label,
            closeCode: closed.code,
            closeReason: closed.reason
        )
    }
}
