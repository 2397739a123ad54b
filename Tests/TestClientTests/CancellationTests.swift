import HTTPTypes
import TestClient
import Testing

struct CancellationTests {
    @Test func cancellingAStreamReadDisconnectsTheApp() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let (started, signal) = AsyncStream.makeStream(of: Void.self)
            let task = Task {
                try await client.stream("/sse") { streamed in
                    for try await _ in streamed.body { signal.yield() }
                }
            }
            for await _ in started { break }
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(clock.now - start < .seconds(1))
            var closed: [String] = []
            for _ in 0..<250 {
                closed = try await client.get("/stream-events").json([String].self)
                if !closed.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(closed.contains { $0.hasPrefix("sse generator closed after") })
        }
    }

    @Test func cancellingAWebSocketReceiveDisconnectsTheApp() async throws {
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
            for _ in 0..<250 {
                seen = try await client.get("/ws/disconnects").json([Disconnect].self).filter {
                    $0.query == "cancelled-receive"
                }
                if !seen.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(seen.count == 1)
        }
    }

    @Test func cancellingARequestDeliversHTTPDisconnect() async throws {
        try await withTestClient(app: ProtocolTests.app) { client in
            let task = Task { try await client.get("/wait-disconnect") }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            var events: [String] = []
            for _ in 0..<250 {
                events = try await client.get("/events").json([String].self)
                if !events.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(events == ["http.disconnect"])
        }
    }
}
