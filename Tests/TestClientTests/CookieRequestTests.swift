import HTTPTypes
import TestClient
import Testing

struct CookieRequestTests {
    struct Cookies: Decodable {
        var cookies: [String: String]
        var header: String?
    }

    @Test func jarCanBeTurnedOffAndSetByHand() async throws {
        var configuration = TestClientConfiguration()
        configuration.useCookies = false
        try await withTestClient(app: Fixture.starlette, configuration: configuration) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc")])
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies.isEmpty)
        }
        try await withTestClient(app: Fixture.starlette) { client in
            client.cookies.set("manual", "1", domain: "testserver")
            let sent = try await client.get("/cookies/get", headers: [.cookie: "extra=2"]).json(Cookies.self)
            #expect(sent.cookies == ["manual": "1", "extra": "2"])
        }
    }
}
