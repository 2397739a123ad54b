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
            #expect(left?.cancelled == true)
            #expect((left?.sent ?? 0) >= 3)
        }
    }

    struct Left: Decodable {
        var cancelled: Bool
        var sent: Int
    }
}
