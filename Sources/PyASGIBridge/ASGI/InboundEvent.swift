/// Messages from the client to the app (what `receive()` returns).
package enum InboundEvent: Sendable, Equatable {
    case httpRequest(body: [UInt8], moreBody: Bool)
    case httpDisconnect
    case websocketConnect
    case websocketReceive(WebSocketPayload)
    case websocketDisconnect(code: Int, reason: String)
    case lifespanStartup
    case lifespanShutdown
}
