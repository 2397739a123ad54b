import Foundation
import Testing

/// `asgi --session`: the cookies and `-H` headers of one call sent with the next, as httpie's
/// sessions; `--session-read-only`; the file's mode.
extension CommandLineTests {
    /// A fresh, empty directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("asgi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The headers the demo app's `/echo` received, as "name: value".
    static func echoedHeaders(_ run: Run) throws -> [String] {
        let body = try #require(try run.object()?["body"] as? [String: Any])
        return try #require(body["headers"] as? [[String]]).map { "\($0[0]): \($0[1])" }
    }

    static func mode(_ file: URL) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
    }

    @Test func aSessionKeepsCookiesAndHeadersAcrossInvocations() async throws {
        let config = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: config) }
        let environment = ["XDG_CONFIG_HOME": config.path]
        let session = ["--session", "ana"]
        let login = try await Self.run(session + ["-H", "X-Token: t1", "GET", "/login?user=ana"], environment: environment)
        #expect(login.status == 0)
        // A name goes under the config directory, one folder per app.
        let file = config.appendingPathComponent("asgi/sessions/python_fixtures.demo_app_app/ana.json")
        #expect(try Self.mode(file) == 0o600)

        let later = try await Self.run(session + ["--output", "json", "GET", "/echo"], environment: environment)
        let received = try Self.echoedHeaders(later)
        #expect(received.contains("cookie: session=ana"))
        #expect(received.contains("x-token: t1"))

        // A header given again replaces the session's, there and from then on.
        _ = try await Self.run(session + ["-H", "X-Token: t2", "GET", "/hello"], environment: environment)
        let replaced = try Self.echoedHeaders(
            try await Self.run(session + ["--output", "json", "GET", "/echo"], environment: environment)
        )
        #expect(replaced.filter { $0.hasPrefix("x-token:") } == ["x-token: t2"])

        // The app deleting its cookie deletes it from the session.
        _ = try await Self.run(session + ["GET", "/logout"], environment: environment)
        let out = try Self.echoedHeaders(
            try await Self.run(session + ["--output", "json", "GET", "/echo"], environment: environment)
        )
        #expect(!out.contains { $0.hasPrefix("cookie:") })
    }

    @Test func aReadOnlySessionIsSentButNeverWritten() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("kept.json")
        let readOnly = ["--session", file.path, "--session-read-only"]
        _ = try await Self.run(readOnly + ["GET", "/login?user=ana"])
        #expect(!FileManager.default.fileExists(atPath: file.path))

        _ = try await Self.run(["--session", file.path, "GET", "/login?user=ana"])
        let saved = try Data(contentsOf: file)
        #expect(try Self.mode(file) == 0o600)
        _ = try await Self.run(readOnly + ["-H", "X-New: 1", "GET", "/logout"])
        #expect(try Data(contentsOf: file) == saved)

        let sent = try Self.echoedHeaders(try await Self.run(readOnly + ["--output", "json", "GET", "/echo"]))
        #expect(sent.contains("cookie: session=ana"))
        #expect(!sent.contains { $0.hasPrefix("x-new:") })
        let alone = try await Self.run(["--session-read-only", "GET", "/"])
        #expect(alone.status == 64)
    }
}
