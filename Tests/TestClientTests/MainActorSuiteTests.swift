import TestClient
import Testing

/// State only the main actor may touch: the scoped APIs' closures change it without `await`, which
/// compiles only because they run on the caller's actor.
@MainActor
final class MainActorModel {
    var events: [String] = []
}

/// A main-actor suite using every scoped API.
@Suite @MainActor
struct MainActorSuiteTests {
    let model = MainActorModel()

    @Test func scopedAPIsRunOnTheCallersActor() async throws {
        try await withTestClient(app: Lifecycle.app) { client in
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
            model.events.append("closing")
        }
        #expect(model.events == ["opened", "tick\n", "hi", "closing"])
    }
}
