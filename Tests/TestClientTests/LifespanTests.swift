import TestClient
import Testing

struct LifespanTests {
    @Test func lifespanStateReachesRequests() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.get("/state")
            #expect(try response.json([String: String].self) == ["greeting": "hello from lifespan"])
        }
    }

    @Test func appWithoutLifespanStillWorks() async throws {
        // The ASGI 2 fixture raises on the lifespan scope: auto mode carries on without it.
        try await withTestClient(app: Fixture.asgi2) { client in
            let response = try await client.get("/")
            #expect(response.text == "plain response")
        }
    }
}
