import Foundation
import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

final class Counter: Sendable {
    let value = Locked(0)
}

/// Chunks produced on demand, counting how many were pulled.
struct CountingChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let chunks: [[UInt8]]
    let pulled = Counter()

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: CountingChunks
        var index = 0

        mutating func next() async throws -> [UInt8]? {
            guard index < source.chunks.count else { return nil }
            defer { index += 1 }
            source.pulled.value.withLock { $0 += 1 }
            return source.chunks[index]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
}

struct StreamingTests {
    static func chunks(_ count: Int) -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            for index in 0..<count { continuation.yield(Array(repeating: UInt8(index), count: 100 + index)) }
            continuation.finish()
        }
    }

    @Test func requestChunksArePulledOnlyAsTheAppReceives() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let source = CountingChunks(chunks: (0..<100).map { Array(repeating: UInt8($0), count: 10) })
            let response = try await client.request(.post, "/first-chunk", body: .stream(source))
            #expect(response.text == "10")
            #expect(source.pulled.value.withLock { $0 } <= 2)
        }
    }

    @Test func streamingEchoWorksAtSpec24() async throws {
        // async-asgi-testclient #56: with spec_version >= 2.4 Starlette relies on send() raising.
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.request(
                .post,
                "/stream-echo",
                body: .stream(Self.chunks(3)),
                timeout: .seconds(30)  // the bug was a hang; a busy machine may take seconds
            )
            #expect(response.body.count == 100 + 101 + 102)
        }
    }

    @Test func streamingEchoBehavesAsStarletteDoesAtSpec23() async throws {
        // Under 2.3 Starlette runs a listener for http.disconnect next to the handler; that
        // listener takes request chunks off `receive()`, so the echo loses them (or, with a client
        // that queued every chunk up front, the handler waits forever). Either way the body is not
        // echoed whole, as behind any 2.3 server.
        var configuration = TestClientConfiguration()
        configuration.specVersion = "2.3"
        try await withTestClient(app: Fixture.starlette, configuration: configuration) { client in
            do {
                let response = try await client.request(
                    .post,
                    "/stream-echo",
                    body: .stream(Self.chunks(3)),
                    timeout: .milliseconds(500)
                )
                #expect(response.body.count < 100 + 101 + 102)
            } catch let error as TestClientError {
                #expect(error.code == .timeout)
            }
        }
    }

    @Test func streamedResponseHeadThenChunks() async throws {
        let key = UUID().uuidString
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.stream("/sse", query: [("key", key)]) { streamed in
                #expect(streamed.status == .ok)
                #expect(streamed.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                var events: [String] = []
                for try await chunk in streamed.body {
                    events.append(String(decoding: chunk, as: UTF8.self))
                    if events.count == 5 { break }
                }
                #expect(events == (0..<5).map { "data: event \($0)\n\n" })
            }
            // Leaving early delivered http.disconnect and ended the app's task: its generator closed.
            let closed = try await StreamEnding.wait(client, key)
            #expect(closed.count == 1 && closed[0].hasPrefix("sse generator closed after"), "\(closed)")
        }
    }

    @Test func exceptionMidStreamIsThrownFromTheIterator() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            var received: [String] = []
            let error = await #expect(throws: TestClientError.self) {
                try await client.stream("/stream-fail") { streamed in
                    for try await chunk in streamed.body { received.append(String(decoding: chunk, as: UTF8.self)) }
                }
            }
            #expect(received == ["first ", "second "])
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.message == "failed mid-stream")
        }
    }

    @Test func wholeStreamReadsToTheEnd() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let total = try await client.stream("/stream-echo", method: .post, body: Array(repeating: 7, count: 5000)) {
                streamed in
                var total = 0
                for try await chunk in streamed.body { total += chunk.count }
                return total
            }
            #expect(total == 5000)
        }
    }
}

/// What `/sse?key=...` of the Starlette fixture recorded when its generator closed.
enum StreamEnding {
    /// Waits (30 s at most) until the stream of `key` has recorded its end, and returns the record.
    static func wait(_ client: TestClient, _ key: String) async throws -> [String] {
        var closed: [String] = []
        try await Lifecycle.poll("the app's generator of stream \(key) to close") {
            closed = try await client.get("/stream-events", query: [("key", key)]).json([String].self)
            return !closed.isEmpty
        }
        return closed
    }
}
