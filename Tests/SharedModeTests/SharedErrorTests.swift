import HTTPTypes
import TestClient
import Testing

/// App exceptions: in-process the client raises them with the Python traceback (or answers 500
/// when asked not to raise); live, the server catches them and the client sees its 500.
struct SharedErrorTests {
    static let apps = [
        (Fixture.asgi3, "ValueError", "boom from raw app"),
        (Fixture.starlette, "ValueError", "boom from starlette"),
        (Fixture.fastapi, "KeyError", "'boom from fastapi'"),
        (Fixture.quart, "RuntimeError", "boom from quart"),
    ]

    @Test(arguments: ClientMode.allCases)
    func appExceptionIsRaisedInProcessAndA500Live(mode: ClientMode) async throws {
        for (app, type, message) in Self.apps {
            try await mode.withClient(app: app) { client in
                switch mode {
                case .inProcess:
                    let error = await #expect(throws: TestClientError.self) { try await client.get("/boom") }
                    #expect(error?.code == .appException)
                    #expect(error?.pythonException?.type == type)
                    #expect(error?.pythonException?.message == message)
                    #expect(error?.pythonException?.traceback.contains("Traceback (most recent call last)") == true)
                    #expect(error?.pythonException?.traceback.contains("python_fixtures/") == true)
                    #expect(error?.request == "GET /boom")
                case .live:
                    let response = try await client.get("/boom")
                    #expect(response.status == .internalServerError, "\(app)")
                }
                // The client is still usable.
                let again = try await client.get("/json")
                #expect(again.status == .ok)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func appExceptionBecomes500WhenNotRaised(mode: ClientMode) async throws {
        var configuration = TestClientConfiguration()
        configuration.raiseAppExceptions = false
        try await mode.withClient(app: Fixture.asgi3, configuration: configuration) { client in
            let response = try await client.get("/boom")
            #expect(response.status == .internalServerError)
            #expect(response.text == "Internal Server Error")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func requestsAfterCloseFail(mode: ClientMode) async throws {
        let client = try await mode.client(app: Fixture.asgi3)
        try await client.close()
        let error = await #expect(throws: TestClientError.self) { try await client.get("/") }
        #expect(error?.code == .clientClosed)
    }
}
