import HTTPTypes
import TestClient
import Testing

/// Clients of one app object share its lifespan; their settings decide how they take part.
struct SharedLifespanTests {
    /// What `python_fixtures.lifespan_sharing`'s apps answer at `/state`.
    struct StateReport: Decodable {
        var state: [String]
        var startups: Int?
        var shutdowns: Int?
    }

    private static let lifespanOff: TestClientConfiguration = {
        var configuration = TestClientConfiguration()
        configuration.lifespan = .off
        return configuration
    }()

    private static let lifespanOn: TestClientConfiguration = {
        var configuration = TestClientConfiguration()
        configuration.lifespan = .on
        return configuration
    }()

    private func state(_ client: TestClient) async throws -> StateReport {
        try await client.get("/state").json(StateReport.self)
    }

    @Test func clientsWithLifespanOffTakeNoPartAndSeeAnEmptyState() async throws {
        let app = "python_fixtures.lifespan_sharing:off_clients"
        let member = try await TestClient(app: app)
        let outsider = try await TestClient(app: app, configuration: Self.lifespanOff)
        #expect(outsider.lifespanSupported == false)

        let seenByOutsider = try await state(outsider)
        #expect(seenByOutsider.state == [])
        #expect(seenByOutsider.startups == 1)
        #expect(try await state(member).state == ["greeting"])

        // The outsider's close runs no shutdown: the member's lifespan goes on.
        try await outsider.close()
        let afterOutsider = try await state(member)
        #expect(afterOutsider.state == ["greeting"])
        #expect(afterOutsider.shutdowns == 0)

        try await member.close()
        try await withTestClient(app: app, configuration: Self.lifespanOff) { client in
            let final = try await state(client)
            #expect(final.startups == 1)
            #expect(final.shutdowns == 1)
        }
    }

    @Test func anOnClientJoiningALifecycleWithoutLifespanSupportFails() async throws {
        let app = "python_fixtures.lifespan_sharing:unsupported_joined"
        let first = try await TestClient(app: app)
        #expect(first.lifespanSupported == false)
        await expectFailure(.lifespanStartupFailed) {
            let client = try await TestClient(app: app, configuration: Self.lifespanOn)
            try await client.close()
        }
        // The lifecycle is unharmed: the first client works, an auto client joins it.
        #expect(try await first.get("/state").status == .ok)
        let second = try await TestClient(app: app)
        #expect(second.lifespanSupported == false)
        try await second.close()
        try await first.close()
    }

    @Test func lifespanSupportedSaysWhetherTheClientTookPartInALifespan() async throws {
        let app = "python_fixtures.lifespan_sharing:supported"
        let starter = try await TestClient(app: app)
        let joiner = try await TestClient(app: app, configuration: Self.lifespanOn)
        let outsider = try await TestClient(app: app, configuration: Self.lifespanOff)
        #expect(starter.lifespanSupported)
        #expect(joiner.lifespanSupported)
        #expect(outsider.lifespanSupported == false)
        #expect(try await state(joiner).startups == 1)
        try await outsider.close()
        try await joiner.close()
        try await starter.close()

        let unsupported = try await TestClient(app: "python_fixtures.lifespan_sharing:unsupported")
        #expect(unsupported.lifespanSupported == false)
        try await unsupported.close()
    }

    @Test func afterAFailedStartupTheNextClientTriesAfresh() async throws {
        let app = "python_fixtures.lifespan_sharing:fails_first_startup"
        await expectFailure(.lifespanStartupFailed) {
            let client = try await TestClient(app: app)
            try await client.close()
        }
        try await withTestClient(app: app) { client in
            let response = try await client.get("/attempt")
            #expect(try response.json([String: Int].self) == ["attempt": 2])
        }
    }

    @Test func aClientOpeningWhileShutdownRunsWaitsForItThenStartsANewLifespan() async throws {
        let app = "python_fixtures.lifespan_sharing:shutdown_gated"
        // Takes no part in the lifespan: reads its log and lets its shutdown end.
        let outsider = try await TestClient(app: app, configuration: Self.lifespanOff)
        func log() async throws -> [String] { try await outsider.get("/log").json([String].self) }

        let first = try await TestClient(app: app)
        let closing = Task { try await first.close() }
        try await Lifecycle.poll("shutdown to begin") { try await log().contains("shutdown begins") }
        // The opening runs on an executor that says when it is idle: the open is then parked,
        // waiting for the shutdown (or, wrongly, for a lifespan it started beside the ending one).
        let executor = QuiescentExecutor()
        let opening = Task(executorPreference: executor) { try await TestClient(app: app) }
        try await Lifecycle.poll("the open to park") { executor.isIdle }
        #expect(try await log() == ["startup", "shutdown begins"])

        _ = try await outsider.get("/release")
        try await closing.value
        let second = try await opening.value
        #expect(try await log() == ["startup", "shutdown begins", "shutdown ends", "startup"])

        _ = try await outsider.get("/release")  // its shutdown need not wait
        try await second.close()
        try await outsider.close()
    }

    @Test func aFactoryGivesEachClientItsOwnLifespan() async throws {
        let first = try await TestClient(app: Lifecycle.app)
        let second = try await TestClient(app: Lifecycle.app)
        let firstSerial = try await Lifecycle.serial(of: first)
        let secondSerial = try await Lifecycle.serial(of: second)
        #expect(firstSerial != secondSerial)

        try await first.close()
        // The first app's shutdown left the second's lifespan running (/serial fails on a closed one).
        #expect(try await Lifecycle.serial(of: second) == secondSerial)
        #expect(try await Lifecycle.log(firstSerial) == ["startup", "shutdown"])
        #expect(try await Lifecycle.log(secondSerial) == ["startup"])

        try await second.close()
        #expect(try await Lifecycle.log(secondSerial) == ["startup", "shutdown"])
    }
}
