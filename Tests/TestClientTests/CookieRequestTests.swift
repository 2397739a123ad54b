import HTTPTypes
import TestClient
import Testing

struct CookieRequestTests {
    struct Cookies: Decodable {
        var cookies: [String: String]
        var header: String?
    }

    @Test func cookiesSetByResponsesAreSentLater() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc"), ("theme", "dark")])
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies == ["session": "abc", "theme": "dark"])
            #expect(sent.header?.contains("; ") == true)
            #expect(client.cookies.cookies.count == 2)
        }
    }

    @Test func deletedCookieIsGoneNotEmpty() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("a", "1"), ("b", "2")])
            _ = try await client.get("/cookies/delete", query: [("name", "a")])
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies == ["b": "2"])
        }
    }

    @Test func cookiePathIsRespected() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get(
                "/cookies/set",
                query: [("admin", "yes")],
                headers: [HTTPField.Name("x-cookie-path")!: "/admin"]
            )
            let outside = try await client.get("/cookies/get").json(Cookies.self)
            #expect(outside.cookies.isEmpty)
            let inside = try await client.get("/admin/cookies/get").json(Cookies.self)
            #expect(inside.cookies == ["admin": "yes"])
        }
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
