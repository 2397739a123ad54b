import HTTPTypes
import TestClient
import Testing

struct ErrorTests {
    @Test func appExceptionCarriesTypeMessageAndTraceback() async throws {
        for (app, type, message) in [
            (Fixture.asgi3, "ValueError", "boom from raw app"),
            (Fixture.starlette, "ValueError", "boom from starlette"),
            (Fixture.fastapi, "KeyError", "'boom from fastapi'"),
            (Fixture.quart, "RuntimeError", "boom from quart"),
        ] {
            try await withTestClient(app: app) { client in
                let error = await #expect(throws: TestClientError.self) { try await client.get("/boom") }
                #expect(error?.code == .appException)
                #expect(error?.pythonException?.type == type)
                #expect(error?.pythonException?.message == message)
                #expect(error?.pythonException?.traceback.contains("Traceback (most recent call last)") == true)
                #expect(error?.pythonException?.traceback.contains("python_fixtures/") == true)
                #expect(error?.request == "GET /boom")
                // The client is still usable.
                let again = try await client.get("/json")
                #expect(again.status == .ok)
            }
        }
    }

    @Test func appExceptionBecomes500WhenNotRaised() async throws {
        var configuration = TestClientConfiguration()
        configuration.raiseAppExceptions = false
        try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
            let response = try await client.get("/boom")
            #expect(response.status == .internalServerError)
            #expect(response.text == "Internal Server Error")
        }
    }

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

    @Test func requestsAfterCloseFail() async throws {
        let client = try await TestClient(app: Fixture.asgi3)
        try await client.close()
        let error = await #expect(throws: TestClientError.self) { try await client.get("/") }
        #expect(error?.code == .clientClosed)
    }
}
