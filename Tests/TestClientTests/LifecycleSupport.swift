import HTTPTypes
import TestClient
import Testing

/// The apps of `python_fixtures/lifecycle_apps.py`: every client of ``Lifecycle/app`` gets a private
/// app object (a factory), with its own lifespan, serial number and event log.
enum Lifecycle {
    static let app = "python_fixtures.lifecycle_apps:create_app()"
    static let failingShutdownApp = "python_fixtures.lifecycle_apps:create_failing_app()"
    /// Reads logs, releases gated requests and reports import progress, for any test.
    static let logs = "python_fixtures.lifecycle_apps:logs"

    struct Serial: Decodable {
        var serial: Int
    }

    struct ImportProgress: Decodable {
        var started: [String]
        var finished: [String]
    }

    /// The serial number of the app object behind `client` (with a timeout of its own: some tests
    /// give their client a short one).
    static func serial(of client: TestClient) async throws -> Int {
        let response = try await client.get("/serial", timeout: .seconds(30))
        return try response.json(Serial.self).serial
    }

    /// The events the app object with this serial has logged, its lifespan's included.
    static func log(_ serial: Int) async throws -> [String] {
        try await withTestClient(app: logs) { client in
            let response = try await client.get("/log/\(serial)")
            return try response.json([String].self)
        }
    }

    /// Lets the app's requests to `/gated` finish.
    static func release(_ serial: Int) async throws {
        try await withTestClient(app: logs) { client in
            let response = try await client.get("/release/\(serial)")
            #expect(response.status == .ok)
        }
    }

    /// Waits until the app's log satisfies `condition` (the app reached a point a test needs).
    static func waitForLog(_ serial: Int, until condition: ([String]) -> Bool) async throws {
        try await poll("app \(serial)'s log") { try await condition(log(serial)) }
    }

    /// Which slow fixture modules have started and finished importing.
    static func importProgress() async throws -> ImportProgress {
        try await withTestClient(app: logs) { client in
            let response = try await client.get("/imports")
            return try response.json(ImportProgress.self)
        }
    }

    /// Waits until `condition` holds, checking every 20 ms; fails after 30 s (the test then reports
    /// what it waited for instead of hanging).
    static func poll(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<1500 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw PollTimeout(what: what)
    }

    struct PollTimeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "Waited 30 s for \(what)." }
    }
}

/// Checks that `body` fails with `code`.
func expectFailure(
    _ code: TestClientError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    let error = await #expect(throws: TestClientError.self, sourceLocation: sourceLocation) { try await body() }
    #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation)
}
