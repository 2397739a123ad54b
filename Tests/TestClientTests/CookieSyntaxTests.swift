import HTTPTypes
import Testing

@testable import TestClient

/// Issue 12, point 6: a cookie that would change the meaning of the `Cookie` header never reaches
/// the app; the request that would carry it fails, naming the cookie and the character.
struct CookieSyntaxTests {
    struct Cookies: Decodable {
        var cookies: [String: String]
        var header: String?
    }

    @Test func theInjectionOfTheIssueIsRefused() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            client.cookies.set("bad;name", "v=1; injected=yes", domain: "testserver")
            let error = await #expect(throws: TestClientError.self) { try await client.get("/cookies/get") }
            #expect(error?.code == .invalidRequest)
            #expect(
                error?.message.contains(#"The cookie "bad;name" cannot be sent"#) == true,
                "\(error?.message ?? "")"
            )
            #expect(error?.message.contains(#"";" (U+003B)"#) == true, "\(error?.message ?? "")")
            // The jar kept it; removing it lets requests through again, and nothing was injected.
            client.cookies.remove(name: "bad;name", domain: "testserver")
            let remaining = try await client.get("/cookies/get").json(Cookies.self).cookies
            #expect(remaining == [:])
        }
    }

    @Test(
        "Names that are not tokens and values that would break the header are refused",
        arguments: [
            ("bad name", "1", #"its name contains " " (U+0020)"#),
            ("", "1", "empty name"),
            ("café", "1", #"its name contains "é" (U+00E9)"#),
            ("a=b", "1", #"its name contains "=" (U+003D)"#),
            ("session", "v=1; injected=yes", #"its value contains ";" (U+003B), which would end the cookie"#),
            ("session", "line\nbreak", "its value contains (U+000A (LF))"),
            ("session", "tab\there", "its value contains (U+0009 (TAB))"),
            ("session", "del\u{7F}", "its value contains (U+007F (DEL))"),
        ]
    )
    func refused(name: String, value: String, message: String) async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            client.cookies.set(name, value, domain: "testserver")
            let error = await #expect(throws: TestClientError.self) { try await client.get("/cookies/get") }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            // A request the cookie does not go to is unaffected.
            let elsewhere = try await client.get("http://elsewhere.test/cookies/get").status
            #expect(elsewhere == .ok)
        }
    }

    @Test func whatHttpxSendsIsAccepted() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            client.cookies.set("spaced", "hello world, again", domain: "testserver")
            client.cookies.set("quoted", #""a value""#, domain: "testserver")
            client.cookies.set("token", "a!#$%&'*+-.^_`|~=b", domain: "testserver")
            let response = try await client.get("/cookies/get").json(Cookies.self)
            #expect(
                response.header == #"spaced=hello world, again; quoted="a value"; token=a!#$%&'*+-.^_`|~=b"#
            )
            #expect(response.cookies["spaced"] == "hello world, again")
            #expect(response.cookies["quoted"] == "a value")
        }
    }

    @Test func aCookieHeaderGivenByHandIsHeldToTheSameRules() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let good = try await client.get("/cookies/get", headers: [.cookie: #"a=1; b="two words"; c=x,y"#])
            #expect(try good.json(Cookies.self).header == #"a=1; b="two words"; c=x,y"#)
            for (header, message) in [
                ("ok=1; bad name=2", #"The cookie "bad name" cannot be sent"#),
                ("ok=1; novalue", #"holds "novalue", which is not a name=value pair"#),
            ] {
                let error = await #expect(throws: TestClientError.self) {
                    try await client.get("/cookies/get", headers: [.cookie: header])
                }
                #expect(error?.code == .invalidRequest)
                #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            }
        }
        var configuration = TestClientConfiguration()
        configuration.headers = [.cookie: "bad@name=1"]
        try await withTestClient(app: Fixture.starlette, configuration: configuration) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/cookies/get") }
            #expect(
                error?.message.contains(#"The cookie "bad@name" cannot be sent"#) == true,
                "\(error?.message ?? "")"
            )
        }
    }

    @Test func rawHeaderPairsAreChecked() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.request(method: "GET", "/cookies/get", headerPairs: [("Cookie", "a=1; b;c=2")])
            }
            #expect(error?.code == .invalidRequest)
        }
    }

    @Test func websocketsCarryOnlyValidCookies() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            client.cookies.set("session", "1; admin=true", domain: "testserver")
            let error = await #expect(throws: TestClientError.self) { try await client.websocket("/ws/info") { _ in } }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains(#"The cookie "session" cannot be sent"#) == true)
        }
    }

    @Test func cookieSyntaxUnit() throws {
        try CookieSyntax.check(name: "a", value: "")
        try CookieSyntax.check(name: "a", value: #"" spaced, "quoted" ""#)
        try CookieSyntax.check(name: "unicode", value: "café")
        try CookieSyntax.check(header: "a=1;b=2; ; c=3;")
        #expect(throws: TestClientError.self) { try CookieSyntax.check(header: "a=\u{7F}") }
        #expect(throws: TestClientError.self) { try CookieSyntax.check(name: "(a)", value: "1") }
        #expect(throws: TestClientError.self) { try CookieSyntax.check(header: "a=1; =2") }
    }
}

extension CommandLineTests {
    @Test func cookieOptionGoesThroughTheSameCheck() async throws {
        let run = try await Self.run(["--app", "python_fixtures.raw_asgi:app", "GET", "/", "--cookie", "bad name=1"])
        #expect(run.status != 0)
        #expect(run.stderr.hasPrefix("asgi: invalidRequest:"), "\(run.stderr)")
        #expect(run.stderr.contains(#""bad name""#))
    }
}
