/// The server side of the ASGI state machine for one connection, with uvicorn's rules and wording.
/// It judges every message the app sends, in order.
package struct ProtocolState {
    package enum Phase: String {
        case httpAwaitingStart = "before http.response.start"
        case httpBody = "sending the response body"
        case httpTrailers = "sending trailers"
        case httpComplete = "response complete"
        case websocketConnecting = "handshake pending"
        case websocketOpen = "connected"
        case websocketDenial = "sending the denial response"
        case websocketClosed = "closed"
        case lifespanStarting = "lifespan startup"
        case lifespanRunning = "lifespan started"
        case lifespanShuttingDown = "lifespan shutdown"
        case lifespanDone = "lifespan finished"
    }

    package private(set) var phase: Phase
    private let advertisesDebug: Bool
    private let advertisesDenial: Bool
    private var sentDebug = false
    private var expectTrailers = false

    package init(kind: ConnectionScope.Kind, extensions: [String]) {
        advertisesDebug = extensions.contains("http.response.debug")
        advertisesDenial = extensions.contains("websocket.http.response")
        switch kind {
        case .http: phase = .httpAwaitingStart
        case .websocket: phase = .websocketConnecting
        case .lifespan: phase = .lifespanStarting
        }
    }

    /// Lifespan: the server sent `lifespan.shutdown`.
    package mutating func shutdownRequested() {
        if phase == .lifespanRunning { phase = .lifespanShuttingDown }
    }

    package var isHTTPStarted: Bool { phase != .httpAwaitingStart }
    package var isComplete: Bool { phase == .httpComplete || phase == .websocketClosed || phase == .lifespanDone }

    /// Moves the machine on, or says why the message is not allowed now.
    package mutating func accept(_ event: OutboundEvent) -> BridgeFailure? {
        let refusal: String?
        switch phase {
        case .httpAwaitingStart, .httpBody, .httpTrailers, .httpComplete: refusal = acceptHTTP(event)
        case .websocketConnecting, .websocketOpen, .websocketDenial, .websocketClosed: refusal = acceptWebSocket(event)
        case .lifespanStarting, .lifespanRunning, .lifespanShuttingDown, .lifespanDone: refusal = acceptLifespan(event)
        }
        return refusal.map { .protocolViolation(message: $0, messageType: event.typeName, state: phase.rawValue) }
    }

    /// HTTP: start (after an optional debug message), body, trailers if announced, nothing after.
    private mutating func acceptHTTP(_ event: OutboundEvent) -> String? {
        let type = event.typeName
        switch (phase, event) {
        case (.httpAwaitingStart, .responseDebug):
            guard advertisesDebug else {
                return "Unexpected ASGI message 'http.response.debug': the extension was not advertised."
            }
            guard !sentDebug else { return "ASGI message 'http.response.debug' may be sent only once." }
            sentDebug = true
        case (.httpAwaitingStart, .responseStart(_, _, let trailers)):
            expectTrailers = trailers
            phase = .httpBody
        case (.httpAwaitingStart, _):
            return "Expected ASGI message 'http.response.start', but got '\(type)'."
        case (.httpBody, .responseBody(_, let more)):
            if !more { phase = expectTrailers ? .httpTrailers : .httpComplete }
        case (.httpBody, _):
            return "Expected ASGI message 'http.response.body', but got '\(type)'."
        case (.httpTrailers, .responseTrailers(_, let more)):
            if !more { phase = .httpComplete }
        case (.httpTrailers, _):
            return "Expected ASGI message 'http.response.trailers', but got '\(type)'."
        default:
            return "Unexpected ASGI message '\(type)' sent, after response already completed."
        }
        return nil
    }

    /// Websockets: accept, close or a denial response first; then send or close; nothing after close.
    private mutating func acceptWebSocket(_ event: OutboundEvent) -> String? {
        let type = event.typeName
        switch (phase, event) {
        case (.websocketConnecting, .websocketAccept):
            phase = .websocketOpen
        case (.websocketConnecting, .websocketClose):
            phase = .websocketClosed
        case (.websocketConnecting, .websocketResponseStart(let status, _)):
            guard advertisesDenial else {
                return "Unexpected ASGI message 'websocket.http.response.start': the extension was not advertised."
            }
            guard (100...599).contains(status) else { return "Invalid HTTP status code '\(status)' in response." }
            phase = .websocketDenial
        case (.websocketConnecting, _):
            return
                "Expected ASGI message 'websocket.accept', 'websocket.close' or 'websocket.http.response.start' but got '\(type)'."
        case (.websocketDenial, .websocketResponseBody(_, let more)):
            if !more { phase = .websocketClosed }
        case (.websocketDenial, _):
            return "Expected ASGI message 'websocket.http.response.body' but got '\(type)'."
        case (.websocketOpen, .websocketSend):
            break
        case (.websocketOpen, .websocketClose):
            phase = .websocketClosed
        case (.websocketOpen, _):
            return "Expected ASGI message 'websocket.send' or 'websocket.close', but got '\(type)'."
        default:
            return "Unexpected ASGI message '\(type)', after sending 'websocket.close'."
        }
        return nil
    }

    /// Lifespan: startup complete or failed; after the server's shutdown, shutdown complete or failed.
    private mutating func acceptLifespan(_ event: OutboundEvent) -> String? {
        switch (phase, event) {
        case (.lifespanStarting, .lifespanStartupComplete):
            phase = .lifespanRunning
        case (.lifespanStarting, .lifespanStartupFailed):
            phase = .lifespanDone
        case (.lifespanShuttingDown, .lifespanShutdownComplete), (.lifespanShuttingDown, .lifespanShutdownFailed):
            phase = .lifespanDone
        default:
            return "Got invalid state transition on lifespan protocol."
        }
        return nil
    }
}
