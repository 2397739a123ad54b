import HTTPTypes
import TestClient
import Testing

struct QuickstartTests {
    @Test(
        "The seed's quickstart: GET / and GET /json",
        arguments: [
            Fixture.quart, Fixture.starlette, Fixture.fastapi, Fixture.asgi3, Fixture.asgi2,
        ]
    )
    func quickstart(app: String) async throws {
        try await withTestClient(app: app) { client in
            let root = try await client.get("/")
            #expect(root.status == .ok)
            if app == Fixture.fastapi {
                #expect(try root.json(String.self) == "plain response")
            } else {
                #expect(root.text == "plain response")
            }
            let json = try await client.get("/json")
            #expect(json.status == .ok)
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try json.json([String: String].self) == ["hello": "world"])
        }
    }

    @Test func factoryIsCalled() async throws {
        try await withTestClient(app: "python_fixtures.raw_asgi:create_app()") { client in
            let response = try await client.get("/")
            #expect(response.text == "plain response")
        }
    }

    @Test func unknownRouteIs404() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.get("/nope")
            #expect(response.status == .notFound)
        }
    }

    @Test func headResponseHasNoBody() async throws {
        try await withTestClient(app: Fixture.quart) { client in
            let response = try await client.head("/")
            #expect(response.status == .ok)
            #expect(response.body.isEmpty)
            #expect(response.headers[.contentLength] == "14")
        }
    }
}
