import Foundation
import HTTPTypes
import TestClient
import Testing

/// `StreamedResponse.events` over sse-starlette, the library FastAPI and Starlette services use.
struct ServerSentEventTests {
    static let app = "python_fixtures.sse_app:app"

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
}
