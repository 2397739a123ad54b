import HTTPTypes
import TestClient
import Testing

struct ManyClientsTests {
    @Test func eightClientsTwoThousandRequestsEach() async throws {
        // Two pairs of clients share an app object (and its lifespan).
        let apps = [
            Fixture.starlette, Fixture.fastapi, Fixture.asgi3, Fixture.asgi2,
            Fixture.quart, "python_fixtures.django_app:app", Fixture.asgi3, Fixture.starlette,
        ]
        try await withThrowingTaskGroup(of: Int.self) { group in
            for app in apps {
                group.addTask {
                    try await withTestClient(app: app) { client in
                        var correct = 0
                        try await withThrowingTaskGroup(of: Int.self) { inner in
                            for worker in 0..<4 {
                                inner.addTask {
                                    var ok = 0
                                    for index in 0..<500 {
                                        let response = try await client.get(
                                            "/json",
                                            query: [("n", "\(worker)-\(index)")]
                                        )
                                        if response.status == .ok, response.text.contains("hello") { ok += 1 }
                                    }
                                    return ok
                                }
                            }
                            for try await ok in inner { correct += ok }
                        }
                        return correct
                    }
                }
            }
            var total = 0
            for try await correct in group {
                #expect(correct == 2000)
                total += correct
            }
            #expect(total == 16000)
        }
    }
}
