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

    @Test(arguments: [
        (301, "POST", "GET", ""), (302, "POST", "GET", ""), (303, "POST", "GET", ""), (303, "PUT", "GET", ""),
        (307, "POST", "POST", "payload"), (308, "PUT", "PUT", "payload"), (302, "PUT", "GET", ""),
    ])
    func methodRules(code: Int, method: String, expectedMethod: String, expectedBody: String) async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.request(
                HTTPRequest.Method(method)!,
                "/redirect/\(code)",
                headers: [.contentType: "text/plain"],
                body: Array("payload".utf8)
            )
            let echo = try response.json(Echo.self)
            #expect(echo.method == expectedMethod)
            #expect(echo.body == expectedBody)
            #expect(echo.content_type == (expectedBody.isEmpty ? nil : "text/plain"))
            #expect(response.history.map(\.status.code) == [code])
            #expect(response.path == "/method")
        }
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

    @Test func fastapiRouterRedirectKeepsMethodAndBody() async throws {
        try await withTestClient(app: Fixture.fastapi) { client in
            let post = try await client.post("/foo", json: Item(name: "kept", price: 1))
            #expect(post.status == .ok)
            #expect(try post.json([String: String].self) == ["method": "POST", "name": "kept"])
            #expect(post.history.first?.status.code == 307)
            let put = try await client.put("/foo", json: Item(name: "also", price: 1))
            #expect(try put.json([String: String].self) == ["method": "PUT", "name": "also"])
            let delete = try await client.delete("/foo")
            #expect(try delete.json([String: String].self) == ["method": "DELETE"])
        }
    }

    @Test func loopEndsWithTypedError() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/loop") }
            #expect(error?.code == .tooManyRedirects)
        }
    }

    @Test func redirectsCanBeSwitchedOff() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.request(.get, "/redirect/302", followRedirects: false)
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/method")
        }
        var configuration = TestClientConfiguration()
        configuration.followRedirects = false
        try await withTestClient(app: Fixture.starlette, configuration: configuration) { client in
            let response = try await client.get("/redirect/307")
            #expect(response.status == .temporaryRedirect)
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

    @Test func cookiesAreReevaluatedAtEveryHop() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.post("/login-redirect", form: [("user", "ana")])
            struct Cookies: Decodable { var cookies: [String: String] }
            #expect(try response.json(Cookies.self).cookies == ["session": "from-redirect"])
        }
    }
}
