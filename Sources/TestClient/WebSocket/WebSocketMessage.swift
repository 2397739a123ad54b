/// A message on a websocket.
public enum WebSocketMessage: Sendable, Equatable {
    /// A text message: the `text` key of the ASGI event.
    case text(String)
    /// A binary message: the `bytes` key of the ASGI event.
    case bytes([UInt8])
}
