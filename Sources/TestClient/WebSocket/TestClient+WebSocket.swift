import Foundation
public import HTTPTypes
import PyASGIBridge

extension TestClient {
    /// Opens a websocket to the app, runs `body` with it, and closes it (code 1000) if `body` left
    /// it open. Returns only when the app's websocket call has ended.
    ///
    /// ```swift
    /// try await client.websocket("/ws") { ws in
    ///     try await ws.send(text: "hi")
    ///     #expect(try await ws.receiveText() == "hi")
    /// }
    /// ```
    /// - Parameters:
    ///   - path: The path, optionally with a query.
    ///   - query: Pairs appended to the query string.
    ///   - subprotocols: Offered subprotocols (`scope["subprotocols"]` and `sec-websocket-protocol`).
    ///   - headers: Extra request headers.
    ///   - timeout: How long the handshake and each receive may take; the client's timeout when nil.
    ///   - isolation: The actor `body` runs on; the caller's, unless given.
    ///   - fileID: Where the call is made, as its errors name it; the caller's.
    ///   - line: See `fileID`.
    ///   - body: The test, given the open socket.
    /// - Returns: What `body` returns.
    /// - Throws: ``TestClientError`` with ``TestClientError/Code/websocketRejected`` (closed before
    ///   accept), ``TestClientError/Code/websocketDenied`` (an HTTP denial response), the app's
    ///   exception, a protocol violation or a timeout; and what `body` throws.
    public func websocket<Result>(
        _ path: String,
        query: [(String, String)] = [],
        subprotocols: [String] = [],
        headers: HTTPFields = [:],
        timeout: Duration? = nil,
        isolation: isolated (any Actor)? = #isolation,
        fileID: String = #fileID,
        line: Int = #line,
        _ body: (WebSocket) async throws -> Result
    ) async throws -> Result {
        let timeout = timeout ?? configuration.timeout
        let label = "WEBSOCKET \(path)"
        return try await CallSite(fileID: fileID, line: line).attach {
            try await withAppCall(
                label,
                mode: .streaming,
                scope: { () throws(TestClientError) in
                    try websocketScope(path, query: query, subprotocols: subprotocols, headers: headers)
                },
                inbound: [.websocketConnect]
            ) { call in
                let socket = try await handshake(call, path: path, label: label, timeout: timeout)
                let result: Result
                do {
                    result = try await inside(call) { try await body(socket) }
                } catch {
                    try? await socket.finish()
                    throw error
                }
                try await socket.finish()
                return result
            }
        }
    }

    private func handshake(
        _ call: any ConnectionCall,
        path: String,
        label: String,
        timeout: Duration
    ) async throws -> WebSocket {
        switch try await call.nextEvent(timeout: timeout, waitingFor: "websocket.accept") {
        case .websocketAccept(let subprotocol, let headers):
            return WebSocket(call: call, accept: (subprotocol, headers), path: path, label: label, timeout: timeout)
        case .websocketClose(let code, let reason):
            // A server answers 403 and tells the app the connection went with 1006.
            call.push(.websocketDisconnect(code: 1006, reason: ""))
            throw TestClientError(
                .websocketRejected,
                "The app closed the websocket before accepting it (HTTP 403), code \(code)"
                    + (reason.isEmpty ? "." : ": \(reason)"),
                request: label,
                closeCode: code,
                closeReason: reason
            )
        case .websocketResponseStart(let status, let headers):
            var body: [UInt8] = []
            while case .websocketResponseBody(let chunk, let more)? = try await call.nextEvent(
                timeout: timeout,
                waitingFor: "websocket.http.response.body"
            ) {
                body += chunk
                if !more { break }
            }
            call.push(.websocketDisconnect(code: 1006, reason: ""))
            let response = TestResponse(
                BufferedResponse(status: status, headers: headers, body: body),
                method: .get,
                path: path
            )
            if isLive, status == 403, body.isEmpty {
                // A server answers 403 with no body to an app that closed before accepting; over a
                // socket the close code the app gave is not seen. (A 403 with a body is the app's
                // own denial response.)
                throw TestClientError(
                    .websocketRejected,
                    "The server refused the websocket with HTTP 403 (the app closed it before accepting it).",
                    request: label,
                    denialResponse: response
                )
            }
            throw TestClientError(
                .websocketDenied,
                "The app denied the websocket with HTTP \(status): \(response.text.prefix(200))",
                request: label,
                denialResponse: response
            )
        case nil:
            throw TestClientError(
                .protocolViolation,
                "ASGI callable returned without completing handshake.",
                request: label
            )
        case let other?:
            throw TestClientError(
                .protocolViolation,
                "Unexpected '\(other.typeName)' during the websocket handshake.",
                messageType: other.typeName,
                request: label
            )
        }
    }

    /// The websocket scope: `ws`/`wss`, decoded path, the upgrade headers a real client sends,
    /// cookies from the jar, `subprotocols`, and the `websocket.http.response` extension.
    func websocketScope(
        _ path: String,
        query: [(String, String)],
        subprotocols: [String],
        headers: HTTPFields
    ) throws(TestClientError) -> ConnectionScope {
        let target = try RequestTarget(path, query: query, rootPath: configuration.rootPath)
        var scope = connectionScope(.websocket, target)
        scope.httpVersion = configuration.httpVersion == "2" ? "2" : "1.1"
        scope.scheme = (target.origin?.secure ?? (configuration.scheme == "https")) ? "wss" : "ws"
        var upgrade = headers
        let names = Set(headers.map(\.name))
        func add(_ name: String, _ value: String) {
            let field = HTTPField.Name(name)!
            if !names.contains(field) { upgrade.append(HTTPField(name: field, value: value)) }
        }
        add("connection", "Upgrade")
        add("upgrade", "websocket")
        add("sec-websocket-version", "13")
        add("sec-websocket-key", Self.websocketKey())
        if !subprotocols.isEmpty { add("sec-websocket-protocol", subprotocols.joined(separator: ", ")) }
        scope.headers = try requestHeaders(upgrade, body: .empty, sendsBody: false, target: target)
        scope.subprotocols = subprotocols
        scope.extensions = ["websocket.http.response"]
        return scope
    }

    /// A random 16-byte `Sec-WebSocket-Key`, base64 as RFC 6455 asks.
    private static func websocketKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

}
