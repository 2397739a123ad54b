import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `asgi --live` (the app served by uvicorn for the call) and `asgi --url` (a server already running).
extension CommandLineTests {
    /// A directory of its own holding `module.py`, an app whose module name no other process has: the
    /// uvicorn serving it is found by that name on its command line. `GET /slow` writes `arrived` in
    /// the directory, then answers after a minute; any other path answers at once with the scope's
    /// client and server.
    struct MarkedApp {
        let directory: URL
        let module = "live_marked_\(UUID().uuidString.prefix(8).lowercased())"
        var arrived: URL { directory.appendingPathComponent("arrived") }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("asgi-live-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let source = """
                import asyncio
                import json
                import pathlib

                ARRIVED = pathlib.Path(__file__).with_name("arrived")


                async def app(scope, receive, send):
                    if scope["type"] != "http":
                        return
                    if scope["path"] == "/slow":
                        ARRIVED.write_text("in")
                        await asyncio.sleep(60)
                    body = json.dumps({"path": scope["path"], "server": scope["server"]}).encode()
                    await send({"type": "http.response.start", "status": 200,
                                "headers": [(b"content-type", b"application/json")]})
                    await send({"type": "http.response.body", "body": body})
                """
            try Data(source.utf8).write(to: directory.appendingPathComponent("\(module).py"))
        }

        /// The processes alive whose command line names the module (a zombie has none).
        var servers: [Int32] { ProcessTable.pids { $0.contains("\(module):app") } }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// The command lines of this machine's processes, from /proc.
    enum ProcessTable {
        static var isAvailable: Bool { FileManager.default.fileExists(atPath: "/proc/self/cmdline") }

        static func pids(where matches: (String) -> Bool) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { entry in
                guard let pid = Int32(entry),
                    let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
                else { return nil }
                let line = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
                return matches(line) ? pid : nil
            }
        }

        /// Waits until `condition` holds, checking every 50 ms; false after `seconds`.
        static func wait(seconds: Int, _ condition: () -> Bool) -> Bool {
            for _ in 0..<(seconds * 20) {
                if condition() { return true }
                usleep(50_000)
            }
            return condition()
        }
    }

    static var venv: String { root.appendingPathComponent(".venv").path }

    @Test(.enabled(if: liveModeTested)) func liveServesTheAppWithUvicornForTheCall() async throws {
        let app = try MarkedApp()
        defer { app.remove() }
        let run = try await Self.run(
            ["--live", "--venv", Self.venv, "--app", "\(app.module):app", "GET", "/hello", "--output", "json"],
            directory: app.directory
        )
        #expect(run.status == 0, "\(run.stderr)")
        let object = try run.object()
        #expect(object?["status"] as? Int == 200)
        let body = object?["body"] as? [String: Any]
        #expect(body?["path"] as? String == "/hello")
        // A real server: its socket's address, not the in-process client's "testserver".
        #expect((body?["server"] as? [Any])?.first as? String == "127.0.0.1")
        let headers = object?["headers"] as? [[String]]
        #expect(headers?.contains(["server", "uvicorn"]) == true)
        #expect(app.servers.isEmpty, "the server outlived the command")
    }

    /// uvicorn serving `app` on a free port, as a user starts a server by hand; stopped by `body`'s end.
    static func withServer<T>(_ app: MarkedApp, _ body: (URL) async throws -> T) async throws -> T {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: venv + "/bin/python")
        // A child inherits the signal mask of the thread that starts it, and the test's threads block
        // SIGTERM: uvicorn unblocks it first, or `terminate()` below would never stop it.
        server.arguments = [
            "-c",
            "import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                + "sys.argv[0] = 'uvicorn'; runpy.run_module('uvicorn', run_name='__main__', alter_sys=True)",
            "\(app.module):app", "--host", "127.0.0.1", "--port", "0",
        ]
        server.currentDirectoryURL = app.directory
        let log = Pipe()
        server.standardError = log
        server.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // "Uvicorn running on http://127.0.0.1:PORT (Press CTRL+C to quit)"
        var text = ""
        while !text.contains("(Press CTRL+C") {
            let chunk = log.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "uvicorn ended: \(text)")
            text += String(decoding: chunk, as: UTF8.self)
        }
        let start = try #require(text.range(of: "http://127.0.0.1:")).lowerBound
        let address = String(text[start...].prefix { !$0.isWhitespace })
        return try await body(try #require(URL(string: address)))
    }

    @Test(.enabled(if: liveModeTested), .timeLimit(.minutes(3)))
    func urlSendsToARunningServer() async throws {
        let app = try MarkedApp()
        defer { app.remove() }
        try await Self.withServer(app) { url in
            let run = try await Self.run(["--url", url.absoluteString, "GET", "/items?x=1", "--output", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            let object = try run.object()
            #expect(object?["status"] as? Int == 200)
            #expect((object?["body"] as? [String: Any])?["path"] as? String == "/items")
            let pretty = try await Self.run(["--url", url.absoluteString, "--print", "h", "GET", "/"])
            #expect(pretty.stdout.contains("server: uvicorn"))
        }
        let refused = try await Self.run(["--url", "http://127.0.0.1:1", "GET", "/"])
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("asgi: "))
    }

    @Test(.enabled(if: liveModeTested && ProcessTable.isAvailable), .timeLimit(.minutes(3)))
    func aKilledLiveCallLeavesNoServer() async throws {
        let app = try MarkedApp()
        defer { app.remove() }
        let process = Self.process(
            ["--live", "--venv", Self.venv, "--app", "\(app.module):app", "GET", "/slow"],
            input: .devNull,
            environment: [:],
            directory: app.directory
        )
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // Mid-call: the app has the request and sleeps on it.
        let arrived = ProcessTable.wait(seconds: 90) {
            FileManager.default.fileExists(atPath: app.arrived.path)
        }
        try #require(arrived, "the request never reached the app")
        #expect(!app.servers.isEmpty, "no uvicorn process names \(app.module)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let gone = ProcessTable.wait(seconds: 60) { app.servers.isEmpty }
        #expect(gone, "uvicorn processes \(app.servers) outlived the asgi killed with SIGKILL")
        for pid in app.servers { kill(pid, SIGKILL) }
    }
}

/// False when `ASGI_TEST_MODES` leaves live mode out (see `scripts/test`).
private var liveModeTested: Bool {
    ProcessInfo.processInfo.environment["ASGI_TEST_MODES"].map { $0.split(separator: ",").contains("live") } ?? true
}
