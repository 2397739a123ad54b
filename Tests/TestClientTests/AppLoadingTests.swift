import HTTPTypes
import TestClient
import Testing

/// Opening a client honours time and cancellation, and one app's slow import does not hold up the
/// others. Each test imports its own slow module: a module is imported once per process.
struct AppLoadingTests {
    private let clock = ContinuousClock()

    @Test func anImportPastTheImportTimeoutFailsOnTimeAndTheAppLoadsLater() async throws {
        let app = "python_fixtures.slow_import_timeout:app"  // its import takes 3.5 s
        _ = try await Lifecycle.importProgress()  // Python is up: the time below is the import's.
        var configuration = TestClientConfiguration()
        configuration.importTimeout = .milliseconds(500)
        let start = clock.now
        await expectFailure(.timeout) {
            let client = try await TestClient(app: app, configuration: configuration)
            try await client.close()
        }
        #expect(clock.now - start < .seconds(3))
        #expect(try await Lifecycle.importProgress().finished.contains("slow_import_timeout") == false)

        // The import went on; once it is over, the next client of the app works.
        try await withTestClient(app: app) { client in
            let response = try await client.get("/")
            #expect(response.text == "imported")
        }
    }

    @Test func aCancelledOpenStopsWaitingForTheImportAtOnce() async throws {
        let app = "python_fixtures.slow_import_cancel:app"  // its import takes 3.5 s
        let opening = Task { try await TestClient(app: app) }
        try await Lifecycle.poll("the import to start") {
            try await Lifecycle.importProgress().started.contains("slow_import_cancel")
        }
        let start = clock.now
        opening.cancel()
        let result = await opening.result
        let waited = clock.now - start
        #expect(waited < .seconds(1))
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

    @Test(.timeLimit(.minutes(1)))
    func anOpenClientAnswersWhileAnotherAppImports() async throws {
        let app = "python_fixtures.slow_import_stall:app"  // its import takes 4 s
        try await withTestClient(app: Lifecycle.logs) { client in
            let opening = Task { try await TestClient(app: app) }
            try await Lifecycle.poll("the import to start") {
                try await Lifecycle.importProgress().started.contains("slow_import_stall")
            }
            // Each answer says whether the import was still running when the app handled it.
            var latencies: [Duration] = []
            var answeredAfterTheImport = false
            while !answeredAfterTheImport {
                let start = clock.now
                let progress = try await client.get("/imports").json(Lifecycle.ImportProgress.self)
                answeredAfterTheImport = progress.finished.contains("slow_import_stall")
                if !answeredAfterTheImport { latencies.append(clock.now - start) }
                try await Task.sleep(for: .milliseconds(50))
            }
            // A loop stalled by the import would answer nothing until the import is over. The median
            // keeps one hiccup of a loaded machine from deciding the bound.
            try #require(latencies.count >= 3)
            let median = latencies.sorted()[latencies.count / 2]
            #expect(median < .seconds(1), "\(latencies)")

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
