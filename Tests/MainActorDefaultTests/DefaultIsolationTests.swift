import HTTPTypes
import TestClient
import Testing

/// This target is built with `.defaultIsolation(MainActor.self)`, as new app targets are: its
/// types and tests are main-actor isolated without saying so, and the scoped APIs must work here.
final class Model {
    var events: [String] = []
}

struct DefaultIsolationTests {
    let model = Model()

    @Test func quickstart() async throws {
        try await withTestClient(app: "python_fixtures.quart_app:app") { client in
            let response = try await client.get("/json")
            #expect(response.status == .ok)
            #expect(try response.json([String: String].self) == ["hello": "world"])
        }
    }

    @Test func scopedAPIsRunOnTheMainActor() async throws {
        try await withTestClient(app: "python_fixtures.lifecycle_apps:create_app()") { client in
            model.events.append("opened")
            try await client.stream("/endless") { streamed in
                var chunks = streamed.body.makeAsyncIterator()
                if let chunk = try await chunks.next() {
                    model.events.append(String(decoding: chunk, as: UTF8.self))
                }
            }
            try await client.websocket("/ws") { socket in
                try await socket.send(text: "hi")
                model.events.append(try await socket.receiveText())
            }
        }
        #expect(model.events == ["opened", "tick\n", "hi"])
    }
}
