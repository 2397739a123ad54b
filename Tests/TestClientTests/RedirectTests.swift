import HTTPTypes
import TestClient
import Testing

struct RedirectTests {
    struct Echo: Decodable, Equatable {
        var method: String
        var body: String
        var content_type: String?
        var query: String
    }

    @Test func relativeLocationsAreResolved() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let relative = try await client.get("/redirect/302", query: [("to", "../nested/method?x=1")])
            #expect(relative.path == "/nested/method?x=1")
            #expect(try relative.json(Echo.self).query == "x=1")
            let absolute = try await client.get("/redirect/302", query: [("to", "http://testserver/method?y=2")])
            #expect(try absolute.json(Echo.self).query == "y=2")
        }
    }

    @Test func cookiesDoNotCrossToAnotherHost() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc")])
            struct Cookies: Decodable { var cookies: [String: String] }
            let other = try await client.get("/redirect/302", query: [("to", "http://other.test/cookies/get")])
            #expect(try other.json(Cookies.self).cookies.isEmpty)
            let same = try await client.get("/redirect/302", query: [("to", "http://testserver/cookies/get")])
            #expect(try same.json(Cookies.self).cookies == ["session": "abc"])
        }
    }
}
