import Foundation
import HTTPTypes
import TestClient
import Testing

struct CancellationTests {
    /// The stream is endless, so a cancellation that did not reach it would never end the read:
    /// the bound is far above a busy machine's time to cancel, far below the client's 30 s timeout
    /// (which would end it otherwise), and the time limit turns a hang into a failure.
    @Test(.timeLimit(.minutes(2)))
    func cancellingAStreamReadDisconnectsTheApp() async throws {
        let key = UUID().uuidString
        try await withTestClient(app: Fixture.starlette) { client in
            let (started, signal) = AsyncStream.makeStream(of: Void.self)
            let task = Task {
                try await client.stream("/sse", query: [("key", key)]) { streamed in
                    for try await _ in streamed.body { signal.yield() }
                }
            }
            for await _ in started { break }
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(clock.now - start < .seconds(15))
            let closed = try await StreamEnding.wait(client, key)
            #expect(closed.count == 1 && closed[0].hasPrefix("sse generator closed after"), "\(closed)")
        }
    }

    /// A cancellation that never reached the call would hang the test: the time limit reports it.
    @Test(.timeLimit(.minutes(3)))
    func cancellingAWebSocketReceiveDisconnectsTheApp() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let (opened, signal) = AsyncStream.makeStream(of: Void.self)
            let task = Task {
                try await client.websocket("/ws/echo?cancelled-receive") { ws in
                    signal.yield()
                    _ = try await ws.receive(timeout: .seconds(30))
                }
            }
            for await _ in opened { break }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            struct Disconnect: Decodable {
                var code: Int
                var query: String
            }
            var seen: [Disconnect] = []
            try await Lifecycle.poll("the app to see the disconnect") {
                seen = try await client.get("/ws/disconnects").json([Disconnect].self).filter {
                    $0.query == "cancelled-receive"
                }
                return !seen.isEmpty
            }
            #expect(seen.count == 1)
        }
    }

    /// A cancellation that never reached the call would hang the test: the time limit reports it.
    @Test(.timeLimit(.minutes(3)))
    func cancellingARequestDeliversHTTPDisconnect() async throws {
        let key = UUID().uuidString
        try await withTestClient(app: ProtocolTests.app) { client in
            let task = Task { try await client.get("/keyed-wait-disconnect/\(key)") }
            var events: [String] = []
            try await Lifecycle.poll("the app to have the request") {
                events = try await client.get("/keyed-events/\(key)").json([String].self)
                return !events.isEmpty
            }
            #expect(events == ["arrived"])
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            try await Lifecycle.poll("the app to hear of the cancellation") {
                events = try await client.get("/keyed-events/\(key)").json([String].self)
                return events.count > 1
            }
            #expect(events == ["arrived", "http.disconnect"])
        }
    }
}
