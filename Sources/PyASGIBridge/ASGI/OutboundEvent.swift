/// Messages from the app to the client (what the app passes to `send()`), validated.
package enum OutboundEvent: Sendable, Equatable {
    case responseStart(status: Int, headers: [HeaderField], trailers: Bool)
    case responseBody(body: [UInt8], moreBody: Bool)
    case responseTrailers(headers: [HeaderField], moreTrailers: Bool)
    case responseDebug(info: [String: String])
    case websocketAccept(subprotocol: String?, headers: [HeaderField])
    case websocketSend(WebSocketPayload)
    case websocketClose(code: Int, reason: String)
    case websocketResponseStart(status: Int, headers: [HeaderField])
    case websocketResponseBody(body: [UInt8], moreBody: Bool)
    case lifespanStartupComplete
    case lifespanStartupFailed(message: String)
    case lifespanShutdownComplete
    case lifespanShutdownFailed(message: String)

    /// The ASGI `type` of the message.
    package var typeName: String {
        switch self {
        case .responseStart: "http.response.start"
        case .responseBody: "http.response.body"
        case .responseTrailers: "http.response.trailers"
        case .responseDebug: "http.response.debug"
        case .websocketAccept: "websocket.accept"
        case .websocketSend: "websocket.send"
        case .websocketClose: "websocket.close"
        case .websocketResponseStart: "websocket.http.response.start"
        case .websocketResponseBody: "websocket.http.response.body"
        case .lifespanStartupComplete: "lifespan.startup.complete"
        case .lifespanStartupFailed: "lifespan.startup.failed"
        case .lifespanShutdownComplete: "lifespan.shutdown.complete"
        case .lifespanShutdownFailed: "lifespan.shutdown.failed"
        }
    }
}
