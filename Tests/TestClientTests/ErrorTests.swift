import HTTPTypes
import TestClient
import Testing

struct ErrorTests {
    @Test func unknownModule() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.no_such_module:app")
        }
        #expect(error?.code == .moduleNotFound)
        #expect(error?.message.contains("No module named 'python_fixtures.no_such_module'") == true)
    }

    @Test func missingAttribute() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.raw_asgi:nope")
        }
        #expect(error?.code == .attributeNotFound)
        #expect(error?.message.contains("nope") == true)
    }

    @Test func notCallable() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.raw_asgi:not_an_app")
        }
        #expect(error?.code == .notCallable)
    }

    @Test func invalidSpec() async throws {
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: "python_fixtures.raw_asgi")
        }
        #expect(error?.code == .invalidAppSpec)
    }

    @Test func badPathIsRefusedBeforeTheApp() async throws {
        try await withTestClient(app: Fixture.counted) { client in
            for path in ["/a\r\nb", "/a\u{0}b", "ftp://example.com/"] {
                let error = await #expect(throws: TestClientError.self) { try await client.get(path) }
                #expect(error?.code == .invalidRequest)
            }
            #expect(try await Fixture.calls(client) == [], "a refused path reached the app")
            _ = try await client.get("/a%0Db")
            #expect(try await Fixture.calls(client) == ["/a\rb"])
        }
    }
}
