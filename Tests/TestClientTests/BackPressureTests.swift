import Foundation
import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

/// What an app call of `python_fixtures.pressure_apps` did, as `/stats` reports it.
struct PressureStats: Decodable {
    var sent: Int
    var messages: Int
    var read: Int
    var closed: Bool
    var ended: Bool
    var error: String?
    /// The app's `send()` calls that have not returned.
    var sending: Int
}

/// The app's `send()` waits while the test has not read what it sent (issue 12, point 1): an app
/// streaming 1 GiB, or flooding a websocket, to a test that reads one chunk and sleeps has sent at
/// most 16 MiB; messages from the test to the app stay unbounded, so sending while the app sends
/// never deadlocks.
struct BackPressureTests {
    static let app = "python_fixtures.pressure_apps:app"
    /// The bound issue 12 sets on what a paused app may have sent.
    static let bound = 16 << 20

    static func stats(_ client: TestClient, _ key: String) async throws -> PressureStats {
        let response = try await client.get("/stats", query: [("key", key)])
        return try response.json(PressureStats.self)
    }

    /// Polls `/stats` until `done` holds (the app's last steps run on the loop after the client
    /// call has returned), for at most 30 s.
    static func eventually(
        _ client: TestClient,
        _ key: String,
        _ done: (PressureStats) -> Bool
    ) async throws -> PressureStats {
        var stats = try await Self.stats(client, key)
        for _ in 0..<1500 where !done(stats) {
            try await Task.sleep(for: .milliseconds(20))
            stats = try await Self.stats(client, key)
        }
        return stats
    }

    /// Polls until the app call has ended and, when `closed`, its generator has closed.
    static func eventuallyEnded(_ client: TestClient, _ key: String, closed: Bool) async throws -> PressureStats {
        try await eventually(client, key) { $0.ended && ($0.closed || !closed) }
    }

    /// Waits until the app is blocked in `send()` (the call still open): two `/stats` reads in a row find a `send()` call
    /// of the app not returned and the same count of messages. Each read is a trip through the loop,
    /// in which an app whose `send()` merely yielded would have sent again. Returns the last stats
    /// read; the caller fails if the app ended first (it was never held back).
    static func heldInSend(_ client: TestClient, _ key: String) async throws -> PressureStats {
        // The call is open: the leftover-task probe must find it (so its 0 later means something).
        let inFlight = try await Self.running(key).count()
        #expect(inFlight == 1, "the probe does not find the open call")
        var previous = try await Self.stats(client, key)
        try await Lifecycle.poll("the app to be blocked in send()") {
            let current = try await Self.stats(client, key)
            defer { previous = current }
            let held = previous.sending > 0 && current.sending > 0 && previous.messages == current.messages
            return held || current.ended
        }
        return previous
    }

    /// How many app calls with `key` are still running on the loop (``heldInSend(_:_:)`` shows it
    /// finds an open one).
    static func running(_ key: String) -> LeftoverTaskProbe {
        LeftoverTaskProbe(module: "python_fixtures.pressure_apps", function: "running", arguments: [key])
    }

    /// The evidence that the app is held back: blocked in `send()`, with no more than `bound` sent.
    static func expectHeldBack(_ stats: PressureStats, afterReading what: String) {
        #expect(!stats.ended, "the app ended without ever being blocked in send()")
        #expect(stats.sending > 0, "the app is not blocked in send()")
        #expect(stats.sent > 0)
        #expect(stats.sent <= Self.bound, "the app sent \(stats.sent) bytes to a test that read \(what)")
    }

    /// At spec 2.4 Starlette streams and learns of the disconnect from a refused `send()`; before
    /// it, a task of its own listens for `http.disconnect` while the stream is paused.
    @Test(arguments: ["2.5", "2.3"])
    func slowlyReadStreamHoldsTheAppBackThenEndsWhenTheTestLeaves(specVersion: String) async throws {
        var configuration = TestClientConfiguration()
        configuration.specVersion = specVersion
        try await withTestClient(app: Self.app, configuration: configuration) { client in
            let key = UUID().uuidString
            let whileReading = try await client.stream("/stream", query: [("key", key)]) { streamed in
                #expect(streamed.status == .ok)
                var chunks = streamed.body.makeAsyncIterator()
                let first = try await chunks.next()
                #expect(first?.isEmpty == false)
                return try await Self.heldInSend(client, key)
            }
            Self.expectHeldBack(whileReading, afterReading: "one chunk")
            #expect(!whileReading.closed)
            // `stream` returned after the disconnect: the app call is over. (At 2.5 the generator is
            // closed at once; at 2.3 its cancelled frames may wait for Python's cycle collector.)
            let after = try await Self.eventuallyEnded(client, key, closed: specVersion == "2.5")
            #expect(after.ended)
            if specVersion == "2.5" { #expect(after.closed) }
            // Refused sends (2.5) or no-op sends that let the cancellation in (2.3): the app did not
            // go on generating the rest of the gigabyte for nobody.
            #expect(after.sent <= Self.bound, "the app generated \(after.sent) bytes after the test left")
            let leftover = try await Self.running(key).count()
            #expect(leftover == 0, "app calls left running")
        }
    }

    @Test func streamReadToTheEndGetsEveryByteDespitePauses() async throws {
        try await withTestClient(app: Self.app) { client in
            let key = UUID().uuidString
            // 64 MiB: the app is paused and resumed many times on the way.
            let total = try await client.stream("/stream", query: [("key", key), ("chunks", "1024")]) { streamed in
                var total = 0
                for try await chunk in streamed.body { total += chunk.count }
                return total
            }
            #expect(total == 1024 * 65536)
            let after = try await Self.eventually(client, key) { $0.ended }
            #expect(after.closed && after.ended && after.error == nil)
        }
    }

    @Test func websocketFloodIsHeldBackThenEndsWhenTheTestLeaves() async throws {
        try await withTestClient(app: Self.app) { client in
            let key = UUID().uuidString
            let whileReading = try await client.websocket("/ws/flood", query: [("key", key)]) { ws in
                let first = try await ws.receiveBytes()
                #expect(first.count == 10 * 1024)
                return try await Self.heldInSend(client, key)
            }
            Self.expectHeldBack(whileReading, afterReading: "one message")
            let after = try await Self.eventually(client, key) { $0.ended }
            #expect(after.ended && after.closed)
            #expect(after.messages < 100_000)
            let leftover = try await Self.running(key).count()
            #expect(leftover == 0, "app calls left running")
        }
    }

    /// Its sends after the test closed the socket are refused (spec 2.4: they raise, and Starlette
    /// turns that into `WebSocketDisconnect`, which is the close's doing, not reported to the test)
    /// or dropped (before 2.4); either way the app ends without the test reading its flood.
    @Test(arguments: ["2.5", "2.3"])
    func websocketAppThatNeverReadsIsHeldBackThenEndsWhenTheTestLeaves(specVersion: String) async throws {
        var configuration = TestClientConfiguration()
        configuration.specVersion = specVersion
        try await withTestClient(app: Self.app, configuration: configuration) { client in
            let key = UUID().uuidString
            // 30 MiB, not 1 GiB: enough to tell a held-back app from one let through, and cheap when
            // the app is let through.
            let query = [("key", key), ("count", "3000")]
            let whileReading = try await client.websocket("/ws/naive-flood", query: query) { ws in
                _ = try await ws.receiveBytes()
                return try await Self.heldInSend(client, key)
            }
            Self.expectHeldBack(whileReading, afterReading: "one message")
            let after = try await Self.eventuallyEnded(client, key, closed: false)
            #expect(after.ended)
            // The app never reads, so only its `send()` can tell it the client has gone: it must not
            // have been let through the whole flood after the test left.
            if specVersion == "2.5" {
                #expect(after.sent <= Self.bound, "the app sent \(after.sent) bytes after the test left")
                #expect(after.error == "WebSocketDisconnect")
            } else {
                // Dropped sends: the app went through its whole loop, unread, and returned.
                #expect(after.messages == 3000)
                #expect(after.error == nil)
            }
            let leftover = try await Self.running(key).count()
            #expect(leftover == 0, "app calls left running")
        }
    }

    /// A deadlock would hang here, so the time limit turns it into a failure.
    @Test(.timeLimit(.minutes(3)))
    func sendingWhileTheAppFloodsDoesNotDeadlock() async throws {
        try await withTestClient(app: Self.app) { client in
            let key = UUID().uuidString
            try await client.websocket("/ws/flood", query: [("key", key), ("report", "1000")]) { ws in
                for index in 0..<1000 { try await ws.send(text: "message \(index)") }
                // The app's reply is queued behind the flood it is paused in: read until it comes.
                // The pump may finish first on a slow machine ("flood done"); either way the reply
                // comes, which is what a deadlock would prevent.
                while true {
                    switch try await ws.receive(timeout: .seconds(20)) {
                    case .bytes: continue
                    case .text("flood done"): continue
                    case .text(let text):
                        #expect(text == "read 1000")
                        return
                    }
                }
            }
            let after = try await Self.eventually(client, key) { $0.ended }
            #expect(after.read == 1000)
            #expect(after.ended)
        }
    }

    @Test func oneTaskThatSendsThenReadsGetsEverythingTheTestSent() async throws {
        try await withTestClient(app: Self.app) { client in
            let key = UUID().uuidString
            try await client.websocket("/ws/ping-pong", query: [("key", key)]) { ws in
                // All 1,000 first, while the app's `send()` is paused on what the test has not read.
                for index in 0..<1000 { try await ws.send(text: "message \(index)") }
                for _ in 0..<1000 {
                    let bytes = try await ws.receiveBytes(timeout: .seconds(20))
                    #expect(bytes.count == 10 * 1024)
                }
                let reply = try await ws.receiveText(timeout: .seconds(20))
                #expect(reply == "read 1000")
            }
            let after = try await Self.eventually(client, key) { $0.ended }
            #expect(after.read == 1000 && after.error == nil)
        }
    }

    @Test(arguments: ["stream", "whole"])
    func bufferedGetOfAHundredMegabytesIsWhole(kind: String) async throws {
        try await withTestClient(app: Self.app) { client in
            let response = try await client.get("/big", query: [("mb", "100"), ("kind", kind)], timeout: .seconds(120))
            #expect(response.status == .ok)
            #expect(response.body.count == 100 << 20)
            // memcmp, not a Swift loop: a debug build takes minutes over 100 million bytes.
            var wrong: [Int] = []
            let reference = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
            defer { reference.deallocate() }
            response.body.withUnsafeBytes { body in
                for megabyte in 0..<min(100, body.count >> 20) {
                    memset(reference.baseAddress!, Int32(megabyte % 256), 1 << 20)
                    if memcmp(body.baseAddress! + (megabyte << 20), reference.baseAddress!, 1 << 20) != 0 {
                        wrong.append(megabyte)
                    }
                }
            }
            #expect(wrong.isEmpty, "MiB with wrong bytes: \(wrong)")
        }
    }
}
