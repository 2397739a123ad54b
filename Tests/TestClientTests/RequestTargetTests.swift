import HTTPTypes
import Testing

@testable import TestClient

/// Issue 12, point 5, pure: targets parsed as httpx takes them.
struct RequestTargetUnitTests {
    static func target(_ text: String, query: [(String, String)] = [], rootPath: String = "") throws -> RequestTarget {
        try RequestTarget(text, query: query, rootPath: rootPath)
    }

    @Test(
        "Paths and queries",
        arguments: [
            ("/items", "/items", "/items", ""),
            ("items/3", "/items/3", "/items/3", ""),
            ("", "/", "/", ""),
            ("?q=1", "/", "/", "q=1"),
            ("/a b/café", "/a b/café", "/a%20b/caf%C3%A9", ""),
            ("/caf%C3%A9/a%2Fb", "/café/a/b", "/caf%C3%A9/a%2Fb", ""),
            ("/x?q=a b&r=\"<é>\"", "/x", "/x", "q=a%20b&r=%22%3C%C3%A9%3E%22"),
            ("/{a}`b`|c^[d]", "/{a}`b`|c^[d]", "/%7Ba%7D%60b%60|c^[d]", ""),
            ("/x#fragment?not-a-query", "/x", "/x", ""),
            ("/q?a=%FF%00&b='x'", "/q", "/q", "a=%FF%00&b='x'"),
            ("/a/../b", "/a/../b", "/a/../b", ""),
            ("//double", "//double", "//double", ""),
            ("mailto:x", "/mailto:x", "/mailto:x", ""),
        ]
    )
    func relative(text: String, path: String, rawPath: String, query: String) throws {
        let target = try Self.target(text)
        #expect(target.path == path)
        #expect(String(decoding: target.rawPath, as: UTF8.self) == rawPath)
        #expect(String(decoding: target.queryString, as: UTF8.self) == query)
        #expect(target.origin == nil)
    }

    @Test func absoluteURLNamesItsOrigin() throws {
        let target = try Self.target("HTTPS://API.Example.com:8443/items/./a/../b?q=1#top")
        #expect(target.path == "/items/b")
        #expect(String(decoding: target.queryString, as: UTF8.self) == "q=1")
        let origin = try #require(target.origin)
        #expect(origin.secure)
        #expect(origin.host == "api.example.com")
        #expect(origin.port == 8443)
        #expect(origin.hostHeader == "api.example.com:8443")
        #expect(origin.effectivePort == 8443)
    }

    @Test func defaultPortsAndEmptyPathsAndIPv6() throws {
        let plain = try #require(try Self.target("http://example.com:80").origin)
        #expect(plain.port == nil && plain.hostHeader == "example.com" && plain.effectivePort == 80)
        #expect(try Self.target("http://example.com:80").path == "/")
        #expect(try Self.target("https://example.com?x=1").path == "/")
        let ipv6 = try #require(try Self.target("http://[::1]:8080/x").origin)
        #expect(ipv6.host == "::1" && ipv6.hostHeader == "[::1]:8080")
        let websocket = try #require(try Self.target("wss://chat.example.com/ws").origin)
        #expect(websocket.secure && websocket.effectivePort == 443)
    }

    @Test func userinfoBecomesCredentials() throws {
        let origin = try #require(try Self.target("http://ana:s3cr%40t@example.com/").origin)
        #expect(origin.credentials?.user == "ana")
        #expect(origin.credentials?.password == "s3cr@t")
        #expect(origin.host == "example.com")
    }

    @Test func rootPathAndQueryPairs() throws {
        let target = try Self.target("items/1?x=1", query: [("q", "a b")], rootPath: "/api")
        #expect(target.path == "/api/items/1")
        #expect(String(decoding: target.rawPath, as: UTF8.self) == "/api/items/1")
        #expect(String(decoding: target.queryString, as: UTF8.self) == "x=1&q=a%20b")
    }

    @Test(
        "What cannot be a request target is refused, naming the character",
        arguments: [
            ("/a\r\nb", "U+000D (CR) at position 2"),
            ("/a\nb", "U+000A (LF) at position 2"),
            ("/a\u{0}b", "U+0000 (NUL) at position 2"),
            ("/a\tb", "U+0009 (TAB) at position 2"),
            ("/a\u{7F}", "U+007F (DEL) at position 2"),
            ("/x#frag\u{1}", "U+0001 at position 7"),
            ("ftp://example.com/x", "unsupported scheme \"ftp\""),
            ("http:///x", "has no host"),
            ("http://example.com:99999/", "invalid port \"99999\""),
            ("http://example.com:8o/", "invalid port \"8o\""),
            ("http://exa mple.com/", "U+0020"),
            ("http://bücher.example/", "IDNA form"),
            ("http://[::1/", "without \"]\""),
        ]
    )
    func refused(text: String, message: String) {
        let error = #expect(throws: TestClientError.self) { try Self.target(text) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }
}

/// Issue 12, point 5, pure: where a redirect leads.
struct RedirectUnitTests {
    static let base = Origin(secure: false, host: "testserver", port: nil)

    static func follow(_ location: String, from current: String, headers: HTTPFields = [:]) -> Redirect {
        Redirect(location: location, from: current, headers: headers, base: base)
    }

    @Test(
        "Locations on the client's origin stay paths",
        arguments: [
            ("/method", "/redirect/302", "/method"),
            ("../nested/method?x=1", "/a/b/c", "/a/nested/method?x=1"),
            ("other", "/a/b?q=1", "/a/other"),
            ("?page=2", "/list?page=1", "/list?page=2"),
            ("", "/same?x", "/same?x"),
            ("http://testserver/method?y=2", "/redirect", "/method?y=2"),
            ("http://TESTSERVER:80/x#frag", "/redirect", "/x"),
            ("//testserver/y", "/redirect", "/y"),
            ("x", "items/3", "/items/x"),
        ]
    )
    func sameOrigin(location: String, current: String, target: String) {
        let next = Self.follow(location, from: current, headers: [.hostField: "custom"])
        #expect(next.target == target)
        #expect(next.headers[.hostField] == "custom")  // a Host the test chose stays on its origin
    }

    @Test(
        "Locations on another origin become absolute URLs",
        arguments: [
            ("https://api.example.com:8443/items?q=1", "/login", "https://api.example.com:8443/items?q=1"),
            ("https://api.example.com:443/items", "/login", "https://api.example.com/items"),
            ("//other.test/x", "/login", "http://other.test/x"),
            ("//other.test/x", "https://secure.test/login", "https://other.test/x"),
            ("http://testserver:8080/", "/", "http://testserver:8080/"),
            ("https://testserver/", "/", "https://testserver/"),
        ]
    )
    func otherOrigin(location: String, current: String, target: String) {
        let next = Self.follow(location, from: current, headers: [.hostField: "custom", .accept: "text/plain"])
        #expect(next.target == target)
        #expect(next.headers[.hostField] == nil)
        #expect(next.headers[.accept] == "text/plain")
    }

    @Test func relativeLocationsStayOnTheOriginTheyAnswer() {
        let next = Self.follow("../b?x=1", from: "https://a.test:8443/p/q/r")
        #expect(next.target == "https://a.test:8443/p/b?x=1")
        let query = Self.follow("?x=2", from: "https://a.test:8443/p?x=1")
        #expect(query.target == "https://a.test:8443/p?x=2")
    }

    @Test func backToTheClientsOriginIsAPathAgain() {
        let next = Self.follow("http://testserver/home", from: "https://a.test/login", headers: [.hostField: "a.test"])
        #expect(next.target == "/home")
        #expect(next.headers[.hostField] == nil)
    }

    @Test func aLocationNoRequestCanFollowIsPassedOnToBeRefused() {
        #expect(Self.follow("ftp://files.test/x", from: "/").target == "ftp://files.test/x")
    }
}

/// Issue 12, point 5, against apps: what the scope carries for such targets.
struct RequestTargetScopeTests {
    @Test func absoluteURLSetsSchemeServerAndHost() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("https://api.example.com:8443/items?q=1").json(EchoedScope.self)
            #expect(scope.scheme == "https")
            #expect(scope.server == [.string("api.example.com"), .int(8443)])
            #expect(scope.header("host") == ["api.example.com:8443"])
            #expect(scope.path == "/items")
            #expect(scope.query_string == "q=1")
            let plain = try await client.get("http://other.test/x").json(EchoedScope.self)
            #expect(plain.scheme == "http")
            #expect(plain.server == [.string("other.test"), .int(80)])
            #expect(plain.header("host") == ["other.test"])
            let own = try await client.get("/x").json(EchoedScope.self)
            #expect(own.scheme == "http")
            #expect(own.header("host") == ["testserver"])
        }
    }

    @Test func anExplicitHostHeaderWins() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("https://api.example.com/x", headers: [.hostField: "chosen.test"])
                .json(EchoedScope.self)
            #expect(scope.header("host") == ["chosen.test"])
            #expect(scope.scheme == "https")
        }
    }

    @Test func relativeEmptyAndUnencodedPathsReachStarlette() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let relative = try await client.get("json")
            #expect(try relative.json([String: String].self) == ["hello": "world"])
            let root = try await client.get("").text
            #expect(root == "plain response")
            let scope = try await client.get("café/a/b?q=a b").json(EchoedScope.self)
            #expect(scope.path == "/café/a/b")
            #expect(scope.raw_path == "/caf%C3%A9/a/b")
            #expect(scope.query_string == "q=a%20b")
        }
    }

    @Test func spacesArePercentEncodedInRawPath() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("/a b/c\"d").json(EchoedScope.self)
            #expect(scope.path == "/a b/c\"d")
            #expect(scope.raw_path == "/a%20b/c%22d")
        }
    }

    @Test func userinfoIsSentAsBasicAuth() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.get("http://ana:s3cret@testserver/auth")
            #expect(try response.json([String: String].self) == ["authorization": "Basic YW5hOnMzY3JldA=="])
        }
    }

    @Test func websocketToAnAbsoluteURL() async throws {
        struct Info: Decodable {
            var scheme: String
            var path: String
            var headers: [[String]]
        }
        try await withTestClient(app: Fixture.starlette) { client in
            for (url, scheme) in [
                ("wss://chat.example.com/ws/info", "wss"), ("http://chat.example.com:8080/ws/info", "ws"),
            ] {
                let info = try await client.websocket(url) { ws in try await ws.receiveJSON(Info.self) }
                #expect(info.scheme == scheme)
                #expect(info.path == "/ws/info")
                #expect(
                    info.headers.first { $0.first == "host" }?.last
                        == (scheme == "wss" ? "chat.example.com" : "chat.example.com:8080")
                )
            }
        }
    }

    @Test func cookiesFollowTheURLsHost() async throws {
        struct Cookies: Decodable { var cookies: [String: String] }
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("http://other.test/cookies/set", query: [("there", "1")])
            _ = try await client.get("/cookies/set", query: [("here", "1")])
            let there = try await client.get("http://other.test/cookies/get").json(Cookies.self).cookies
            #expect(there == ["there": "1"])
            let here = try await client.get("/cookies/get").json(Cookies.self).cookies
            #expect(here == ["here": "1"])
        }
    }

    @Test func redirectToAnotherOriginSetsSchemeServerAndHost() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.get(
                "/redirect/302",
                query: [("to", "https://secure.example.com:8443/scope")]
            )
            let scope = try response.json(EchoedScope.self)
            #expect(scope.scheme == "https")
            #expect(scope.server == [.string("secure.example.com"), .int(8443)])
            #expect(scope.header("host") == ["secure.example.com:8443"])
            #expect(response.path == "https://secure.example.com:8443/scope")
            // A relative Location from there stays there.
            let onward = try await client.get("https://secure.example.com:8443/redirect/302?to=/scope")
            let onwardScope = try onward.json(EchoedScope.self)
            #expect(onwardScope.header("host") == ["secure.example.com:8443"])
            #expect(onwardScope.scheme == "https")
        }
    }

    @Test func aRedirectNoRequestCanFollowFailsClearly() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/redirect/302", query: [("to", "ftp://files.test/x")])
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains("unsupported scheme \"ftp\"") == true, "\(error?.message ?? "")")
        }
    }
}
