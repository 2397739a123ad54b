import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Swift test running on the current task, if any (Swift Testing; nil under XCTest and outside
/// tests): what echoed log lines and a forgotten `close()` name.
enum TestScope {
    /// The running test, if any.
    static var current: Test? { Test.current }

    /// `Suite/test()`, or the test's display name, of the running test.
    static var currentName: String? { name(of: Test.current) }

    /// `Suite/test()`, or the test's display name.
    static func name(of test: Test?) -> String? {
        guard let test else { return nil }
        if let display = test.displayName { return display }
        // `Module.Suite/test()/File.swift:12:6`: the module and the source location are noise.
        let id = String(describing: test.id)
        let path = id.split(separator: "/").filter { !$0.contains(".swift:") }
        var name = path.joined(separator: "/")
        if let dot = name.firstIndex(of: "."), dot < (name.firstIndex(of: "/") ?? name.endIndex) {
            name = String(name[name.index(after: dot)...])
        }
        return name.isEmpty ? id : name
    }
}

extension TestScope {
    /// Writes `message` as a warning, and records it as an issue of the running Swift test at
    /// `site` (nothing more under XCTest or outside tests).
    static func forgottenClose(_ message: String, at site: CallSite) {
        var line = "swift-asgi-testclient: warning: " + message + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        guard Test.current != nil else { return }
        Issue.record(
            Comment(rawValue: message),
            sourceLocation: SourceLocation(
                fileID: site.fileID,
                filePath: site.filePath,
                line: site.line,
                column: site.column
            )
        )
    }
}

/// Where in the test a client was opened or a call made.
package struct CallSite: Sendable, CustomStringConvertible {
    var fileID: String
    var filePath: String
    var line: Int
    var column: Int

    /// A call made in a test, where only the file and line are known.
    init(fileID: String, line: Int) {
        self.init(fileID: fileID, filePath: fileID, line: line, column: 1)
    }

    package init(fileID: String, filePath: String, line: Int, column: Int) {
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
        self.column = column
    }

    /// Runs `body`, the work of a call made here: a ``TestClientError`` it throws says where.
    func attach<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await Self.attach(self, body)
    }

    /// Runs `body`, the work of a call made at `site`, if known.
    static func attach<Result>(
        _ site: CallSite?,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await body()
        } catch var error as TestClientError where error.location == nil {
            error.location = site?.description
            throw error
        }
    }

    /// `ServiceTests.swift:42`.
    package var description: String {
        "\(fileID.split(separator: "/").last.map(String.init) ?? fileID):\(line)"
    }
}
