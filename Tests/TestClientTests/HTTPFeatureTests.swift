import HTTPTypes
import TestClient
import Testing

struct HTTPFeatureTests {
    @Test func trailersAreExposed() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let response = try await client.get("/trailers")
            #expect(response.text == "data")
            #expect(response.trailers[HTTPField.Name("x-checksum")!] == "abc123")
        }
    }

    @Test func debugExtensionCarriesTemplateAndContext() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.get("/template")
            #expect(response.text.contains("Hello, Swift!"))
            #expect(response.debugInfo?["template"]?.contains("hello.html") == true)
            #expect(response.debugInfo?["context"]?.contains("Swift") == true)
        }
    }

    @Test func basicAuthHelperAndConfiguration() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.get(
                "/auth",
                headers: HTTPFields([.basicAuthorization(user: "ana", password: "pé")])
            )
            #expect(try response.json([String: String].self) == ["authorization": "Basic YW5hOnDDqQ=="])
        }
        var configuration = TestClientConfiguration()
        configuration.basicAuth = ("bob", "pw")
        try await withTestClient(app: Fixture.starlette, configuration: configuration) { client in
            let response = try await client.get("/auth")
            #expect(try response.json([String: String].self) == ["authorization": "Basic Ym9iOnB3"])
        }
    }

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

    @Test(arguments: [Fixture.quart, Fixture.fastapi])
    func cookiesRoundTripInOtherFrameworks(app: String) async throws {
        try await withTestClient(app: app) { client in
            let first = try await client.get("/cookie").json([String: String?].self)
            #expect(first["seen"] == .some(nil))
            let second = try await client.get("/cookie").json([String: String?].self)
            #expect(second["seen"] == (app == Fixture.quart ? "quart" : "fastapi"))
        }
    }

    @Test func quartRedirectIsFollowed() async throws {
        try await withTestClient(app: Fixture.quart) { client in
            let response = try await client.get("/go")
            #expect(try response.json([String: String].self) == ["hello": "world"])
            #expect(response.history.first?.status == .found)
        }
    }

    @Test(arguments: [
        (Fixture.quart, "/chunks", ["chunk0;", "chunk1;", "chunk2;"]),
        (Fixture.fastapi, "/numbers", ["0\n", "1\n", "2\n", "3\n"]),
    ])
    func streamedResponsesInOtherFrameworks(app: String, path: String, expected: [String]) async throws {
        try await withTestClient(app: app) { client in
            let chunks = try await client.stream(path) { streamed in
                var chunks: [String] = []
                for try await chunk in streamed.body { chunks.append(String(decoding: chunk, as: UTF8.self)) }
                return chunks
            }
            #expect(chunks.joined() == expected.joined())
        }
    }

    @Test(arguments: [Fixture.quart, Fixture.fastapi])
    func timeoutsInOtherFrameworks(app: String) async throws {
        try await withTestClient(app: app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/sleep", timeout: .milliseconds(150))
            }
            #expect(error?.code == .timeout)
            let response = try await client.get("/json")
            #expect(response.status == .ok)
        }
    }
}
