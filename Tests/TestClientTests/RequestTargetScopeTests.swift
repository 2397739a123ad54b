import HTTPTypes
import Testing

@testable import TestClient

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
