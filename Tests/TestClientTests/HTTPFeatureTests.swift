import HTTPTypes
import TestClient
import Testing

struct HTTPFeatureTests {
    @Test func httpVersionIsConfigurable() async throws {
        var configuration = TestClientConfiguration()
        configuration.httpVersion = "2"
        try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
            let scope = try await client.get("/scope").json(EchoedScope.self)
            #expect(scope.http_version == "2")
        }
    }

    @Test func secureCookiesOnlyOverHTTPS() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("/secure-cookie")
            #expect(client.cookies.cookies.first?.secure == true)
            #expect(client.cookies.cookies.first?.httpOnly == true)
            struct Cookies: Decodable { var cookies: [String: String] }
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies.isEmpty)
        }
        var configuration = TestClientConfiguration()
        configuration.scheme = "https"
        try await withTestClient(app: Fixture.starlette, configuration: configuration) { client in
            _ = try await client.get("/secure-cookie")
            struct Cookies: Decodable { var cookies: [String: String] }
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies == ["token": "s"])
        }
    }
}
