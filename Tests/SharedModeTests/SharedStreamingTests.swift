import Foundation
import HTTPTypes
import TestClient
import Testing

/// Streams both ways and server-sent events, in both modes. Over a socket the chunks an app sends
/// may arrive joined (TCP keeps bytes, not message bounds), so the tests compare the bytes a stream
/// carried, and its messages only in-process.
struct SharedStreamingTests {
    static func chunks(_ count: Int) -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            for index in 0..<count { continuation.yield(Array(repeating: UInt8(index), count: 100 + index)) }
            continuation.finish()
        }
    }

    @Test(arguments: ClientMode.allCases)
    func streamedRequestArrivesChunked(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.request(.post, "/count-chunks", body: .stream(Self.chunks(5)))
            struct Counted: Decodable {
                var chunks: [Int]
                var transfer_encoding: String?
            }
            let counted = try response.json(Counted.self)
            #expect(counted.transfer_encoding == "chunked")
            switch mode {
            case .inProcess: #expect(counted.chunks == [100, 101, 102, 103, 104])
            case .live: #expect(counted.chunks.reduce(0, +) == 510)  // 100 + 101 + 102 + 103 + 104
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func streamedResponseHeadThenBodyAndDisconnectOnLeaving(mode: ClientMode) async throws {
        let key = UUID().uuidString
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.stream("/sse", query: [("key", key)]) { streamed in
                #expect(streamed.status == .ok)
                #expect(streamed.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                var text = ""
                for try await chunk in streamed.body {
                    text += String(decoding: chunk, as: UTF8.self)
                    if text.count >= 100 { break }
                }
                #expect(text.hasPrefix((0..<5).map { "data: event \($0)\n\n" }.joined()))
            }
            // Leaving early delivered http.disconnect (live: closed the connection, which uvicorn
            // turns into http.disconnect) and ended the app's task: its generator closed.
            var closed: [String] = []
            try await poll("the app's generator of stream \(key) to close") {
                closed = try await client.get("/stream-events", query: [("key", key)]).json([String].self)
                return !closed.isEmpty
            }
            #expect(closed.count == 1 && closed[0].hasPrefix("sse generator closed after"), "\(closed)")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func exceptionMidStreamIsThrownFromTheIterator(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            var received = ""
            let error = await #expect(throws: TestClientError.self) {
                try await client.stream("/stream-fail") { streamed in
                    for try await chunk in streamed.body { received += String(decoding: chunk, as: UTF8.self) }
                }
            }
            // Live, uvicorn sends both chunks, logs the exception and closes the connection: the
            // bytes it sent are on the socket before the close, and every one reaches the stream
            // before the error does.
            #expect(received == "first second ")
            switch mode {
            case .inProcess:
                #expect(error?.code == .appException)
                #expect(error?.pythonException?.message == "failed mid-stream")
            case .live:
                #expect(error?.code == .connectionClosed, "\(String(describing: error))")
                #expect(error?.pythonException == nil)
            }
        }
    }

    @Test(
        arguments: ClientMode.allCases,
        [
            (Fixture.quart, "/chunks", "chunk0;chunk1;chunk2;"),
            (Fixture.fastapi, "/numbers", "0\n1\n2\n3\n"),
        ]
    )
    func streamedResponsesInOtherFrameworks(mode: ClientMode, app: (String, String, String)) async throws {
        let (app, path, expected) = app
        try await mode.withClient(app: app) { client in
            let text = try await client.stream(path) { streamed in
                var text = ""
                for try await chunk in streamed.body { text += String(decoding: chunk, as: UTF8.self) }
                return text
            }
            #expect(text == expected)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func sseStarletteEventsArriveAsValues(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.sse) { client in
            let events = try await client.stream("/feed") { streamed in
                #expect(streamed.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                var events: [ServerSentEvent] = []
                for try await event in streamed.events { events.append(event) }
                return events
            }
            #expect(
                events == [
                    ServerSentEvent(data: "plain"),
                    ServerSentEvent(event: "update", data: "first line\nsecond line", id: "1"),
                    ServerSentEvent(event: "update", data: "keeps the id", id: "1"),
                    ServerSentEvent(data: "with retry", id: "2", retry: 2500),
                    ServerSentEvent(event: "done", data: "from a dict", id: "2"),
                ]
            )
        }
    }

    @Test(arguments: ClientMode.allCases)
    func aHandMadeEventStreamSplitAtAwkwardPlacesFollowsTheRules(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.sse) { client in
            let events = try await client.stream("/handmade") { streamed in
                var events: [ServerSentEvent] = []
                for try await event in streamed.events { events.append(event) }
                return events
            }
            #expect(
                events == [
                    ServerSentEvent(data: "bom"),
                    ServerSentEvent(event: "tick", data: "\nno space"),
                    ServerSentEvent(data: "café", id: "7", retry: 1500),
                    ServerSentEvent(data: "kept id", id: "7"),
                ]
            )
        }
    }

    struct Left: Decodable {
        var sent: Int
    }

    @Test(arguments: ClientMode.allCases)
    func leavingEventsEarlyDisconnectsTheApp(mode: ClientMode) async throws {
        let key = UUID().uuidString
        try await mode.withClient(app: Fixture.sse) { client in
            let ids = try await client.stream("/endless", query: [("key", key)]) { streamed in
                var ids: [String?] = []
                for try await event in streamed.events {
                    ids.append(event.id)
                    if ids.count == 3 { break }
                }
                return ids
            }
            #expect(ids == ["0", "1", "2"])
            // In-process stream(...) returns once the app call has ended; live, uvicorn tells the app
            // when it sees the connection close, a moment later.
            var left: Left?
            try await poll("the endless stream \(key) to see the client leave") {
                left = try await client.get("/left", query: [("key", key)]).json(Left?.self)
                return left != nil || mode == .inProcess
            }
            let sent = try #require(left?.sent)
            #expect(sent >= 3)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func aStreamedResponseTakesAnyRequestBody(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.sse) { client in
            let prompt = ["words": ["hello", "there"]]
            let viaJSON = try await client.stream("/chat", method: .post, body: .json(prompt)) { streamed in
                var events: [ServerSentEvent] = []
                for try await event in streamed.events { events.append(event) }
                return events
            }
            #expect(
                viaJSON == [
                    ServerSentEvent(event: "token", data: "hello"),
                    ServerSentEvent(event: "token", data: "there"),
                    ServerSentEvent(event: "done", data: "[DONE]"),
                ]
            )
        }
    }
}
