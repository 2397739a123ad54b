import Foundation
import PyASGIBridge
import TestClient
import Testing

/// A package that depends on this library runs in its own environment (issue 19, 6): the library
/// never picks its own checkout's `.venv` or puts its own root on `sys.path`, and says once which
/// Python and venv it uses. The built `asgi` executable stands in for the dependent's test binary:
/// it links the library as any dependent does, and runs here from a directory of the "user's".
struct DependentPackageTests {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("asgi")
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func aDependentNeverUsesThisCheckoutsVenvOrRoot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dependent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        import sys

        async def app(scope, receive, send):
            if scope["type"] == "lifespan":
                raise RuntimeError("no lifespan")
            body = "\\n".join(["prefix=" + sys.prefix, "base=" + sys.base_prefix] + sys.path).encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
        """.write(to: directory.appendingPathComponent("service.py"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--app", "service:app", "--print", "b", "--ignore-stdin", "GET", "/"]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["VIRTUAL_ENV"] = nil
        environment["PYTHONPATH"] = nil
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        let paths = stdout.split(separator: "\n").map(String.init)
        #expect(paths.count > 2 && paths[0] == "prefix=" + paths[1].dropFirst("base=".count), "no venv: \(paths)")
        #expect(!stderr.contains(Self.root + "/.venv"), "\(stderr)")
        #expect(
            paths.contains { $0.hasSuffix(directory.lastPathComponent) },
            "the caller's directory is on sys.path: \(paths)"
        )
        #expect(!paths.contains(Self.root), "this checkout's root is not on sys.path: \(paths)")
        #expect(!paths.contains { $0.hasPrefix(Self.root + "/.venv") }, "\(paths)")
    }
}

/// Load errors name the Python and the virtual environment the import ran in (issue 19, 6).
struct LoadErrorEnvironmentTests {
    @Test func aMissingModuleNamesTheVenv() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "no_such_module_anywhere:app")
        }
        #expect(error?.code == .moduleNotFound)
        #expect(error?.details?.contains("virtual environment: ") == true, "\(String(describing: error))")
    }

    @Test func anImportThatRaisesNamesTheVenv() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.import_fails:app")
        }
        #expect(error?.code == .importFailed)
        #expect(error?.message == "RuntimeError: DATABASE_URL is not set")
        #expect(error?.details?.hasPrefix("Python 3.") == true, "\(String(describing: error))")
        #expect(error?.details?.contains("virtual environment: ") == true)
    }
}

/// The one line the first client of a process writes (issue 19, 6).
struct EnvironmentAnnouncementTests {
    @Test func itNamesPythonTheVenvAndWhereItCameFromAndTheSearchPaths() {
        let line = Interpreter.announcement(
            venv: "/srv/app/.venv",
            source: "VIRTUAL_ENV",
            searchPaths: ["/srv/app", "/x"]
        )
        #expect(line.hasPrefix("swift-asgi-testclient: Python \(Interpreter.linkedVersion) ("))
        #expect(line.contains("libpython"))
        #expect(line.contains("virtual environment /srv/app/.venv (VIRTUAL_ENV)"))
        #expect(line.hasSuffix("sys.path += /srv/app, /x"))
        let none = Interpreter.announcement(venv: nil, source: "none found", searchPaths: [])
        #expect(none.contains("virtual environment none (none found)"))
    }
}
