import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

/// Opening a client honours time and cancellation, and one app's slow import does not hold up the
/// others. Each test imports its own slow module: a module is imported once per process.
struct AppLoadingTests {
    private let clock = ContinuousClock()

    /// Lets the import of a slow fixture module (held by `import_probe.hold`) finish.
    private func releaseImport(of module: String) async throws {
        let runtime = try await PythonRuntime.shared(InterpreterConfiguration())
        _ = try await runtime.call(module: "python_fixtures.import_probe", function: "release", arguments: [module])
    }

    /// The import lasts until the test releases it (60 s at most): waiting for it would take a
    /// minute, so the bound can leave a busy machine a wide margin.
    @Test func anImportPastTheImportTimeoutFailsOnTimeAndTheAppLoadsLater() async throws {
        let app = "python_fixtures.slow_import_timeout:app"
        _ = try await Lifecycle.importProgress()  // Python is up: the time below is the import's.
        var configuration = TestClientConfiguration()
        configuration.importTimeout = .milliseconds(500)
        let start = clock.now
        await expectFailure(.timeout) {
            let client = try await TestClient(app: app, configuration: configuration)
            try await client.close()
        }
        #expect(clock.now - start < .seconds(15))
        let progress = try await Lifecycle.importProgress()
        #expect(progress.started.contains("slow_import_timeout"))
        #expect(progress.finished.contains("slow_import_timeout") == false)
        try await releaseImport(of: "slow_import_timeout")

        // The import went on; once it is over, the next client of the app works.
        try await withTestClient(app: app) { client in
            let response = try await client.get("/")
            #expect(response.text == "imported")
        }
    }

    /// As above, the import lasts until the test releases it (60 s at most).
    @Test func aCancelledOpenStopsWaitingForTheImportAtOnce() async throws {
        let app = "python_fixtures.slow_import_cancel:app"
        let opening = Task { try await TestClient(app: app) }
        try await Lifecycle.poll("the import to start") {
            try await Lifecycle.importProgress().started.contains("slow_import_cancel")
        }
        let start = clock.now
        opening.cancel()
        let result = await opening.result
        let waited = clock.now - start
        #expect(waited < .seconds(15))
        #expect(try await Lifecycle.importProgress().finished.contains("slow_import_cancel") == false)
        try await releaseImport(of: "slow_import_cancel")
        switch result {
        case .success(let client):
            Issue.record("A cancelled open returned a client.")
            try await client.close()
        case .failure(let error):
            #expect(error is CancellationError, "\(error)")
        }

        try await withTestClient(app: app) { client in
            let response = try await client.get("/")
            #expect(response.text == "imported")
        }
    }

    /// The import lasts until the test releases it (60 s at most). A loop stalled by the import would
    /// answer nothing before the release, and then only with the import finished.
    @Test(.timeLimit(.minutes(3)))
    func anOpenClientAnswersWhileAnotherAppImports() async throws {
        let app = "python_fixtures.slow_import_stall:app"
        try await withTestClient(app: Lifecycle.logs) { client in
            let opening = Task { try await TestClient(app: app) }
            try await Lifecycle.poll("the import to start") {
                try await Lifecycle.importProgress().started.contains("slow_import_stall")
            }
            for _ in 0..<5 {
                let progress = try await client.get("/imports").json(Lifecycle.ImportProgress.self)
                #expect(!progress.finished.contains("slow_import_stall"), "answered only once the import was over")
            }
            try await releaseImport(of: "slow_import_stall")
            let loaded = try await opening.value
            let response = try await loaded.get("/")
            #expect(response.text == "imported")
            try await loaded.close()
        }
    }

    @Test func theRunningLoopIsAvailableDuringTheImport() async throws {
        try await withTestClient(app: "python_fixtures.running_loop_import:app") { client in
            let response = try await client.get("/")
            #expect(response.text == "same loop")
        }
    }
}
