import TestClient
import XCTest

/// A main-actor XCTest class (in a target without default main-actor isolation) using every scoped
/// API. Its state lives in a model made inside the test: XCTestCase's own initializer is not
/// main-actor isolated on Linux, so the class keeps no main-actor stored properties.
@MainActor
final class MainActorXCTests: XCTestCase {
    func testScopedAPIsRunOnTheMainActor() async throws {
        let model = MainActorModel()
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
        XCTAssertEqual(model.events, ["opened", "tick\n", "hi"])
    }
}
