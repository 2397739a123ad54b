import HTTPTypes
import TestClient
import Testing

struct LifespanFeatureTests {
    static let apps = "python_fixtures.lifespan_apps"

    @Test func startupFailedIsTypedWithTheAppsMessage() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "\(Self.apps):failing_startup")
        }
        #expect(error?.code == .lifespanStartupFailed)
        #expect(error?.message.contains("database unreachable") == true)
    }

    @Test func shutdownFailedIsTyped() async throws {
        let client = try await TestClient(app: "\(Self.apps):failing_shutdown")
        let response = try await client.get("/")
        #expect(response.status == .noContent)
        let error = await #expect(throws: TestClientError.self) { try await client.close() }
        #expect(error?.code == .lifespanShutdownFailed)
        #expect(error?.message.contains("could not flush") == true)
    }

    @Test func startupHasATimeout() async throws {
        var configuration = TestClientConfiguration()
        configuration.lifespanTimeout = .milliseconds(200)
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "\(Self.apps):slow_startup", configuration: configuration)
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("lifespan.startup.complete") == true)
    }

    @Test func eventsInOrderAndOffMeansNone() async throws {
        let client = try await TestClient(app: "\(Self.apps):recording")
        let during = try await client.get("/").json([String].self)
        #expect(during == ["lifespan scope asgi=3.0 state=True", "lifespan.startup"])
        try await client.close()
        let again = try await TestClient(app: "\(Self.apps):recording")
        let after = try await again.get("/").json([String].self)
        #expect(
            after.prefix(4) == [
                "lifespan scope asgi=3.0 state=True", "lifespan.startup", "lifespan.shutdown",
                "lifespan scope asgi=3.0 state=True",
            ]
        )
        try await again.close()

        var configuration = TestClientConfiguration()
        configuration.lifespan = .off
        try await withTestClient(app: "\(Self.apps):recording_off", configuration: configuration) { client in
            let none = try await client.get("/").json([String].self)
            #expect(none.isEmpty)
        }
    }

    @Test func fastapiAndQuartLifespans() async throws {
        try await withTestClient(app: "\(Self.apps):fastapi") { client in
            let state = try await client.get("/state").json([String: String].self)
            #expect(state == ["db": "connected"])
        }
        try await withTestClient(app: "\(Self.apps):quart") { client in
            let state = try await client.get("/state").json([String: String].self)
            #expect(state == ["ready": "yes"])
        }
    }

    @Test func closeRunsShutdownEvenWhenTheBodyThrows() async throws {
        struct Expected: Error {}
        await #expect(throws: Expected.self) {
            try await withTestClient(app: "\(Self.apps):recording_throws") { _ in throw Expected() }
        }
        let events = try await withTestClient(app: "\(Self.apps):recording_throws") { client in
            try await client.get("/").json([String].self)
        }
        #expect(events.prefix(3) == ["lifespan scope asgi=3.0 state=True", "lifespan.startup", "lifespan.shutdown"])
    }
}
