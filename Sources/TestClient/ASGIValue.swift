/// A value for a scope key the test sets itself (``TestClientConfiguration/scopeOverrides``).
public indirect enum ASGIValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([ASGIValue])
    case dict([String: ASGIValue])
}
