#if Live
import Foundation
import TestClient
import TestClientLive
import Testing

/// Bad input in live mode: typed errors, in time, and no server left behind.
extension LiveSuites {
    @Suite struct LiveFailureTests {
        /// The servers of these suites' apps that this test process started and that are still
        /// running. (The command-line tests run child processes of their own meanwhile, and
        /// SharedModeTests, in the same process, serve the other fixtures with uvicorn.)
        static func children() -> [String] {
            let pid = getpid()
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { entry -> String? in
                guard Int32(entry) != nil,
                    let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
                else { return nil }
                // pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
                guard let close = stat.lastIndex(of: ")") else { return nil }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 1, Int32(fields[1]) == pid, fields[0] != "Z" else { return nil }
                let command = (try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8)) ?? ""
                let ours = [
                    "python_fixtures.live_app", "python_fixtures.no_such_module", "python_fixtures.import_fails",
                ]
                return command.contains("uvicorn") && ours.contains(where: command.contains) ? entry : nil
            }
        }

        static func expectFailure(
            app: String,
            configuration: TestClientConfiguration = TestClientConfiguration(),
            server: AppServer = .uvicorn(),
            _ code: TestClientError.Code,
            mentioning text: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async {
            let started = ContinuousClock.now
            let error = await #expect(throws: TestClientError.self, sourceLocation: sourceLocation) {
                _ = try await TestClient(app: app, configuration: configuration, server: server)
            }
            #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation)
            let description = error.map(String.init(describing:)) ?? ""
            #expect(description.contains(text), "\(description)", sourceLocation: sourceLocation)
            #expect(ContinuousClock.now - started < .seconds(20), sourceLocation: sourceLocation)
            #expect(children().isEmpty, "left over: \(children())", sourceLocation: sourceLocation)
        }

        @Test func aModuleThatDoesNotExist() async {
            await Self.expectFailure(
                app: "python_fixtures.no_such_module:app",
                .moduleNotFound,
                mentioning: "no_such_module"
            )
        }

        @Test func aModuleWhoseImportRaises() async {
            await Self.expectFailure(
                app: "python_fixtures.import_fails:app",
                .importFailed,
                mentioning: "DATABASE_URL is not set"
            )
        }

        @Test func anAttributeThatIsNotCallable() async {
            await Self.expectFailure(
                app: "python_fixtures.live_app:not_callable",
                .notCallable,
                mentioning: "not callable"
            )
        }

        @Test func anAttributeThatIsNotCallableUnderWorkers() async {
            // uvicorn loads the app only in its workers, and starts a new worker for each that fails.
            await Self.expectFailure(
                app: "python_fixtures.live_app:not_callable",
                server: .uvicorn(arguments: ["--workers", "2"]),
                .notCallable,
                mentioning: "not callable"
            )
        }

        @Test func aMissingAttribute() async {
            await Self.expectFailure(app: "python_fixtures.live_app:nope", .attributeNotFound, mentioning: "nope")
        }

        @Test func uvicornMissingFromTheEnvironment() async throws {
            // A venv without uvicorn: one with no packages at all.
            let venv = FileManager.default.temporaryDirectory.appendingPathComponent("bare-venv-\(getpid())").path
            defer { try? FileManager.default.removeItem(atPath: venv) }
            let python = URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/.venv/bin/python")
            let base = Process()
            base.executableURL = python
            base.arguments = ["-c", "import sys; print(sys.base_prefix)"]
            let out = Pipe()
            base.standardOutput = out
            try base.run()
            base.waitUntilExit()
            let prefix = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let make = Process()
            make.executableURL = URL(fileURLWithPath: prefix + "/bin/python3")
            make.arguments = ["-m", "venv", "--without-pip", venv]
            try make.run()
            make.waitUntilExit()
            var configuration = TestClientConfiguration()
            configuration.virtualEnvironment = venv
            await Self.expectFailure(
                app: "python_fixtures.live_app:app",
                configuration: configuration,
                .serverFailed,
                mentioning: "pip install uvicorn"
            )
        }

        @Test func aURLNobodyListensOn() async throws {
            let started = ContinuousClock.now
            try await withTestClient(url: URL(string: "http://127.0.0.1:9")!) { client in
                let error = await #expect(throws: TestClientError.self) { _ = try await client.get("/") }
                #expect(error?.code == .serverUnreachable, "\(String(describing: error))")
            }
            #expect(ContinuousClock.now - started < .seconds(3))
        }

        @Test func aServerThatDiesMidCall() async throws {
            try await withTestClient(app: "python_fixtures.live_app:app", server: .uvicorn()) { client in
                let error = await #expect(throws: TestClientError.self) { _ = try await client.get("/die") }
                #expect(error?.code == .serverFailed, "\(String(describing: error))")
            }
            #expect(Self.children().isEmpty, "left over: \(Self.children())")
        }

        @Test func noServerOutlivesItsLastClient() async throws {
            let client = try await TestClient(app: "python_fixtures.live_app:app", server: .uvicorn())
            #expect(!Self.children().isEmpty)
            try await client.close()
            #expect(Self.children().isEmpty, "left over: \(Self.children())")
        }
    }
}
#endif
