import Foundation
import TestClient
import Testing

/// What an app call of `python_fixtures.loop_apps` did, as `/stats` reports it.
struct LoopStats: Decodable {
    var iterations: Int
    var disconnect_seen: Bool
    var cancelled: Bool
    var ended: Bool
    var error: String?
    var send_errors: Int
}

/// Helpers over `python_fixtures.loop_apps`: every call is keyed, so parallel tests never read each
/// other's records. No helper waits on a clock: each polls the app's record, with a bound that only
/// a hang reaches.
enum LoopApps {
    static let app = "python_fixtures.loop_apps:app"

    /// The record of `key`. The request has a timeout of its own, so a loop that does not hear
    /// Swift fails here with a timeout instead of hanging the run.
    static func stats(_ client: TestClient, _ key: String) async throws -> LoopStats {
        try await client.get("/stats", query: [("key", key)], timeout: .seconds(20)).json(LoopStats.self)
    }

    /// Polls the record of `key` until `done` holds, for at most 20 s (a hang, not a slow machine).
    static func eventually(
        _ client: TestClient,
        _ key: String,
        _ done: (LoopStats) -> Bool
    ) async throws -> LoopStats {
        let deadline = ContinuousClock.now + .seconds(20)
        var stats = try await Self.stats(client, key)
        while !done(stats), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            stats = try await Self.stats(client, key)
        }
        return stats
    }

    /// The asyncio error records the bridge's own futures caused, over the whole process.
    static func bridgeErrors(_ client: TestClient) async throws -> [String] {
        try await client.get("/bridge-errors").json([String].self)
    }

    static func configuration(specVersion: String = "2.5") -> TestClientConfiguration {
        var configuration = TestClientConfiguration()
        configuration.specVersion = specVersion
        return configuration
    }
}
