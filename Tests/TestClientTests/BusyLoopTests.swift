import Foundation
import HTTPTypes
import TestClient
import Testing

/// An app that keeps the loop busy without ever letting it park (`await asyncio.sleep(0)` in a
/// loop) must not starve other calls, and a timeout or cancellation must reach it (issue 18, 1).
struct BusyLoopTests {
    /// While one app call yields forever, other calls of the same client are answered: the loop
    /// takes Swift's work on every iteration, not only when it parks. With the old selector, each
    /// `/ok` waited for the poller to end (never) and timed out.
    @Test func aLoopThatNeverParksStillAnswersOtherCalls() async throws {
        try await withTestClient(app: LoopApps.app) { client in
            let key = UUID().uuidString
            let poller = Task { try await client.get("/poll", query: [("key", key)], timeout: .seconds(120)) }
            let started = try await LoopApps.eventually(client, key) { $0.iterations > 0 }
            #expect(started.iterations > 0, "the poller never ran")
            for round in 0..<20 {
                let response = try await client.get("/ok", timeout: .seconds(20))
                #expect(response.text == "ok", "round \(round)")
            }
            let during = try await LoopApps.stats(client, key)
            #expect(!during.ended, "the poller must still be running while the other calls were answered")
            poller.cancel()
            let after = try await LoopApps.eventually(client, key) { $0.ended }
            #expect(after.cancelled, "cancelling the Swift task cancels the app's task")
            _ = await poller.result
        }
    }

    /// A timeout fails the call on time, cancels an app task that only ever yields, and leaves the
    /// client usable; 20 times in a row.
    @Test func aTimeoutCancelsAnAppThatOnlyYields() async throws {
        try await withTestClient(app: LoopApps.app) { client in
            for round in 0..<20 {
                let key = UUID().uuidString
                let error = await #expect(throws: TestClientError.self) {
                    try await client.get("/poll", query: [("key", key)], timeout: .milliseconds(100))
                }
                #expect(error?.code == .timeout, "round \(round): \(String(describing: error))")
                let stats = try await LoopApps.eventually(client, key) { $0.ended }
                #expect(stats.cancelled, "round \(round): the app's task was not cancelled")
                let response = try await client.get("/ok", timeout: .seconds(20))
                #expect(response.text == "ok")
            }
        }
    }

    /// A busy app of one client does not keep another client, of another app, from opening and
    /// being answered.
    @Test func aBusyAppDoesNotBlockAnotherApp() async throws {
        try await withTestClient(app: LoopApps.app) { client in
            let key = UUID().uuidString
            let poller = Task { try await client.get("/poll", query: [("key", key)], timeout: .seconds(120)) }
            _ = try await LoopApps.eventually(client, key) { $0.iterations > 0 }
            var configuration = TestClientConfiguration()
            configuration.timeout = .seconds(20)
            try await withTestClient(app: Fixture.asgi3, configuration: configuration) { other in
                let response = try await other.get("/")
                #expect(response.status == .ok)
            }
            #expect(try await LoopApps.stats(client, key).ended == false)
            poller.cancel()
            _ = await poller.result
            #expect(try await LoopApps.eventually(client, key) { $0.ended }.cancelled)
        }
    }
}
