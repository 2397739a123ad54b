package enum WebSocketPayload: Sendable, Equatable {
    case text(String)
    case bytes([UInt8])
}
