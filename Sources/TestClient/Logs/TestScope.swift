import Testing

/// The Swift test running on the current task, if any (Swift Testing; nil under XCTest and outside
/// tests): what echoed log lines and a forgotten `close()` name.
enum TestScope {
    /// `Suite/test()`, or the test's display name.
    static var currentName: String? {
        guard let test = Test.current else { return nil }
        if let display = test.displayName { return display }
        let id = String(describing: test.id)
        let parts = id.split(separator: ".")
        return parts.count > 1 ? parts.dropFirst().joined(separator: ".") : id
    }
}
