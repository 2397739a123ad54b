import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

struct RecoveryTests {
    @Test func failedImportThenAGoodApp() async throws {
        await #expect(throws: TestClientError.self) { try await TestClient(app: "python_fixtures.does_not_exist:app") }
        await #expect(throws: TestClientError.self) { try await TestClient(app: "python_fixtures.raw_asgi:missing") }
        try await withTestClient(app: Fixture.asgi3) { client in
            let response = try await client.get("/")
            #expect(response.text == "plain response")
        }
    }
}
