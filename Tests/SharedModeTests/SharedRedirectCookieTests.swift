import HTTPTypes
import TestClient
import Testing

/// Redirects and the cookie jar, in both modes: the client follows and keeps them, whichever way
/// the request travels.
struct SharedRedirectCookieTests {
    struct Echo: Decodable, Equatable {
        var method: String
        var body: String
        var content_type: String?
        var query: String
    }

    static let methodRules = [
        (301, "POST", "GET", ""), (302, "POST", "GET", ""), (303, "POST", "GET", ""), (303, "PUT", "GET", ""),
        (307, "POST", "POST", "payload"), (308, "PUT", "PUT", "payload"), (302, "PUT", "GET", ""),
    ]

    @Test(arguments: ClientMode.allCases)
    func redirectMethodRules(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            for (code, method, expectedMethod, expectedBody) in Self.methodRules {
                let response = try await client.request(
                    HTTPRequest.Method(method)!,
                    "/redirect/\(code)",
                    headers: [.contentType: "text/plain"],
                    body: Array("payload".utf8)
                )
                let echo = try response.json(Echo.self)
                #expect(echo.method == expectedMethod, "\(code) \(method)")
                #expect(echo.body == expectedBody, "\(code) \(method)")
                #expect(echo.content_type == (expectedBody.isEmpty ? nil : "text/plain"), "\(code) \(method)")
                #expect(response.history.map(\.status.code) == [code])
                #expect(response.path == "/method")
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func relativeLocationsAreResolved(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let relative = try await client.get("/redirect/302", query: [("to", "../nested/method?x=1")])
            #expect(relative.path == "/nested/method?x=1")
            #expect(try relative.json(Echo.self).query == "x=1")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func fastapiRouterRedirectKeepsMethodAndBody(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.fastapi) { client in
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

    @Test(arguments: ClientMode.allCases)
    func redirectLoopEndsWithTypedError(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/loop") }
            #expect(error?.code == .tooManyRedirects)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func redirectsCanBeSwitchedOff(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.request(.get, "/redirect/302", followRedirects: false)
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/method")
        }
        var configuration = TestClientConfiguration()
        configuration.followRedirects = false
        try await mode.withClient(app: Fixture.starlette, configuration: configuration) { client in
            let response = try await client.get("/redirect/307")
            #expect(response.status == .temporaryRedirect)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func cookiesAreReevaluatedAtEveryHop(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.post("/login-redirect", form: [("user", "ana")])
            #expect(try response.json(SentCookies.self).cookies == ["session": "from-redirect"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func cookiesSetByResponsesAreSentLater(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc"), ("theme", "dark")])
            let sent = try await client.get("/cookies/get").json(SentCookies.self)
            #expect(sent.cookies == ["session": "abc", "theme": "dark"])
            #expect(sent.header?.contains("; ") == true)
            #expect(client.cookies.cookies.count == 2)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func deletedCookieIsGoneNotEmpty(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("a", "1"), ("b", "2")])
            _ = try await client.get("/cookies/delete", query: [("name", "a")])
            let sent = try await client.get("/cookies/get").json(SentCookies.self)
            #expect(sent.cookies == ["b": "2"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func cookiePathIsRespected(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            _ = try await client.get(
                "/cookies/set",
                query: [("admin", "yes")],
                headers: [HTTPField.Name("x-cookie-path")!: "/admin"]
            )
            let outside = try await client.get("/cookies/get").json(SentCookies.self)
            #expect(outside.cookies.isEmpty)
            let inside = try await client.get("/admin/cookies/get").json(SentCookies.self)
            #expect(inside.cookies == ["admin": "yes"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func cookieJarCanBeTurnedOff(mode: ClientMode) async throws {
        var configuration = TestClientConfiguration()
        configuration.useCookies = false
        try await mode.withClient(app: Fixture.starlette, configuration: configuration) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc")])
            let sent = try await client.get("/cookies/get").json(SentCookies.self)
            #expect(sent.cookies.isEmpty)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func secureCookiesStayOffPlainHTTP(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            _ = try await client.get("/secure-cookie")
            #expect(client.cookies.cookies.first?.secure == true)
            #expect(client.cookies.cookies.first?.httpOnly == true)
            let sent = try await client.get("/cookies/get").json(SentCookies.self)
            #expect(sent.cookies.isEmpty)
        }
    }
}
