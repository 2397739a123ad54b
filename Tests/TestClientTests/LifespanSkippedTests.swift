import TestClient
import Testing

/// In `auto` mode an app whose lifespan startup raises is served without lifespan, the line uvicorn
/// logs is written to standard error with the exception, and the client says lifespan did not run
/// (issue 12, point 8).
struct LifespanSkippedTests {
    /// A factory: each client gets its own app object, so its own lifespan (and its own log line).
    static let raising = "python_fixtures.edge_apps:make_startup_raises()"

    @Test func autoModeServesAnAppWhoseStartupRaisesAndSaysSo() async throws {
        try await withTestClient(app: Self.raising) { client in
            #expect(client.lifespanSupported == false)
            let response = try await client.get("/")
            #expect(response.text == "served without lifespan")
        }
    }

    @Test func autoModeServesAnAppWhoseLifespanRaisesItsOwnCancelledError() async throws {
        // The app's own CancelledError is an exception like any other, not the client cancelling.
        try await withTestClient(app: "python_fixtures.edge_apps:make_lifespan_cancelled()") { client in
            #expect(client.lifespanSupported == false)
            let response = try await client.get("/")
            #expect(response.text == "served without lifespan")
        }
    }

    @Test func clientsSharingTheAppAllSayLifespanDidNotRun() async throws {
        // One app object, one lifecycle: whichever client ran startup, every client learns it failed.
        let app = "python_fixtures.edge_apps:startup_raises"
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await withTestClient(app: app) { client in
                        let response = try await client.get("/")
                        return client.lifespanSupported == false && response.text == "served without lifespan"
                    }
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test func onModeRefusesAnAppWhoseStartupRaises() async throws {
        var configuration = TestClientConfiguration()
        configuration.lifespan = .on
        let error = await #expect(throws: TestClientError.self) {
            try await withTestClient(app: Self.raising, configuration: configuration) { _ in }
        }
        #expect(error?.code == .lifespanStartupFailed)
        #expect(error?.message.contains("startup exploded in edge_apps") == true, "\(String(describing: error))")
    }

    @Test(arguments: [(LifespanMode.auto, true), (.on, true), (.off, false)])
    func lifespanSupportedReflectsTheModeForAnAppWithLifespan(mode: LifespanMode, expected: Bool) async throws {
        var configuration = TestClientConfiguration()
        configuration.lifespan = mode
        try await withTestClient(app: "python_fixtures.lifespan_apps:fastapi", configuration: configuration) { client in
            #expect(client.lifespanSupported == expected)
        }
    }

    @Test func theSkippedLifespanIsLoggedToStandardErrorWithTheException() async throws {
        let run = try await CommandLineTests.run(["--app", "python_fixtures.edge_apps:startup_raises", "GET", "/"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("served without lifespan"))
        #expect(run.stderr.contains("ASGI 'lifespan' protocol appears unsupported."), "\(run.stderr)")
        #expect(run.stderr.contains("Traceback (most recent call last):"), "\(run.stderr)")
        #expect(run.stderr.contains("RuntimeError: startup exploded in edge_apps"), "\(run.stderr)")
    }
}
