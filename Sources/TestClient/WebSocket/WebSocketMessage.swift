/// A message on a websocket.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case bytes([UInt8])
}
