import Foundation
import HTTPTypes
import TestClient
import Testing

/// `StreamedResponse.events` over sse-starlette, the library FastAPI and Starlette services use.
struct ServerSentEventTests {
    static let app = "python_fixtures.sse_app:app"

    @Test func sseStarletteEventsArriveAsValues() async throws {
        try await withTestClient(app: Self.app) { client in
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

    @Test func aHandMadeStreamSplitAtAwkwardPlacesFollowsTheRules() async throws {
        try await withTestClient(app: Self.app) { client in
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

    @Test func leavingEventsEarlyDisconnectsTheApp() async throws {
        let key = UUID().uuidString
        try await withTestClient(app: Self.app) { client in
            let ids = try await client.stream("/endless", query: [("key", key)]) { streamed in
                var ids: [String?] = []
                for try await event in streamed.events {
                    ids.append(event.id)
                    if ids.count == 3 { break }
                }
                return ids
            }
            #expect(ids == ["0", "1", "2"])
            // stream(...) returns once the app call has ended, so the generator has stopped by now.
            let left = try await client.get("/left", query: [("key", key)]).json(Left?.self)
            // The endless generator stopped: the app saw the client leave.
            let sent = try #require(left?.sent)
            #expect(sent >= 3)
        }
    }

    @Test func aStreamedResponseTakesAnyRequestBody() async throws {
        try await withTestClient(app: Self.app) { client in
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
            let chunks = [Array(#"{"words": "#.utf8), Array(#"["streamed"]}"#.utf8)]
            let viaStream = try await client.stream("/chat", method: .post, body: .stream(chunks.async)) { streamed in
                var data: [String] = []
                for try await event in streamed.events { data.append(event.data) }
                return data
            }
            #expect(viaStream == ["streamed", "[DONE]"])
        }
    }

    struct Left: Decodable {
        var sent: Int
    }
}
