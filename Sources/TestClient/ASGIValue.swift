/// A value for a scope key the test sets itself (``TestClientConfiguration/scopeOverrides``).
public indirect enum ASGIValue: Sendable, Equatable {
    /// Python's `None`.
    case none
    /// A `bool`.
    case bool(Bool)
    /// An `int`.
    case int(Int)
    /// A `float`.
    case double(Double)
    /// A `str`.
    case string(String)
    /// A `bytes`.
    case bytes([UInt8])
    /// A `list` of values.
    case list([ASGIValue])
    /// A `dict` with `str` keys.
    case dict([String: ASGIValue])
}
