import Foundation
import HTTPTypes
import TestClient
import Testing

/// What the app logs, prints and warns while it handles a call belongs to that call (issue 19, 1).
struct AppLogTests {
    static let app = "python_fixtures.logging_app:app"

    static func tag() -> String { "t" + UUID().uuidString.prefix(8).lowercased() }

    @Test func aRecordBelongsToItsCall() async throws {
        try await withTestClient(app: Self.app) { client in
            let tag = Self.tag()
            let response = try await client.get("/login", query: [("tag", tag)])
            let record = try #require(response.logs.first)
            #expect(response.logs.count == 1)
            #expect(record.level == "WARNING")
            #expect(record.logger == "svc.auth")
            #expect(record.message == "failed login for \(tag)")
            #expect(record.exception == nil)
            #expect(record.description == "WARNING svc.auth: failed login for \(tag)")
            let plain = try await client.get("/plain")
            #expect(plain.logs.isEmpty)
        }
    }

    /// Sixteen calls at once, each logging its own line: each sees only its own record.
    @Test func parallelCallsEachSeeOnlyTheirOwnRecords() async throws {
        try await withTestClient(app: Self.app) { client in
            try await withThrowingTaskGroup(of: (String, [AppLogRecord]).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let tag = Self.tag()
                        return (tag, try await client.get("/login", query: [("tag", tag)]).logs)
                    }
                }
                for try await (tag, logs) in group {
                    #expect(logs.map(\.message) == ["failed login for \(tag)"])
                }
            }
        }
    }

    @Test func recordsFromThreadsTasksAndBackgroundTasksBelongToTheCall() async throws {
        try await withTestClient(app: Self.app) { client in
            let tag = Self.tag()
            let sync = try await client.get("/sync", query: [("tag", tag)])
            #expect(sync.logs.map(\.message) == ["from the thread pool \(tag)"])
            let spawned = try await client.get("/spawn", query: [("tag", tag)])
            #expect(spawned.logs.map(\.message) == ["from a child task \(tag)", "from to_thread \(tag)"])
            let background = try await client.get("/background", query: [("tag", tag)])
            #expect(background.logs.map(\.message) == ["from a background task \(tag)"])
        }
    }

    /// As caplog: what the loggers let through at their effective level; `logLevel` lowers it.
    @Test func levelsFollowTheLoggersAndLogLevelLowersThem() async throws {
        try await withTestClient(app: Self.app) { client in
            let tag = Self.tag()
            let levels = try await client.get("/levels", query: [("tag", tag)])
            #expect(levels.logs.map(\.message) == ["warning \(tag)", "own debug \(tag)"])
        }
        var configuration = TestClientConfiguration()
        configuration.logLevel = .debug
        try await withTestClient(app: Self.app, configuration: configuration) { client in
            let tag = Self.tag()
            let inherited = try await client.get("/inherited", query: [("tag", tag)])
            #expect(inherited.logs.map(\.message) == ["debug \(tag)", "info \(tag)"])
        }
    }

    @Test func printAndWarningsAreCaptured() async throws {
        try await withTestClient(app: Self.app) { client in
            let tag = Self.tag()
            let printed = try await client.get("/print", query: [("tag", tag)])
            #expect(printed.logs.map(\.level) == ["STDOUT", "STDERR", "STDOUT"])
            #expect(printed.logs.map(\.message) == ["printed \(tag)", "to stderr \(tag)", "partial \(tag)"])
            let warned = try await client.get("/warn", query: [("tag", tag)])
            let warning = try #require(warned.logs.first)
            #expect(warning.logger == "py.warnings")
            #expect(warning.message.contains("ServiceWarning: deprecated call \(tag)"), "\(warning)")
        }
    }

    /// The failing call's records travel with its error; `logger.exception` carries the traceback.
    @Test func anErrorCarriesItsCallsRecords() async throws {
        try await withTestClient(app: Self.app) { client in
            let tag = Self.tag()
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/boom", query: [("tag", tag)])
            }
            let logs = try #require(error?.logs)
            #expect(logs.map(\.message).prefix(2) == ["about to fail \(tag)", "caught \(tag)"])
            #expect(logs.dropFirst().first?.exception?.contains("KeyError") == true)
        }
    }

    /// The client's records: its lifespan's and its calls', in order.
    @Test func theClientKeepsEveryRecordInOrder() async throws {
        let client = try await TestClient(app: "python_fixtures.logging_app:create_app()")
        let tag = Self.tag()
        _ = try await client.get("/login", query: [("tag", tag)])
        try await client.close()
        #expect(
            client.logs.map(\.message) == ["lifespan starting", "failed login for \(tag)", "lifespan stopping"]
        )
    }

    @Test func streamsAndWebsocketsHaveTheirRecords() async throws {
        try await withTestClient(app: Self.app) { client in
            let tag = Self.tag()
            try await client.stream("/login", query: [("tag", tag)]) { streamed in
                for try await _ in streamed.body {}
                #expect(streamed.logs.map(\.message) == ["failed login for \(tag)"])
            }
        }
    }
}
