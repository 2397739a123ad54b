/// A Python value built from Swift for scope keys the caller adds (`scope` overrides).
package indirect enum ScopeValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([ScopeValue])
    case dict([String: ScopeValue])
}
