import HTTPTypes
import TestClient
import Testing

struct ScopeTests {
    @Test func duplicateHeadersArriveInOrder() async throws {
        var headers = HTTPFields()
        headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "one"))
        headers.append(HTTPField(name: .accept, value: "text/plain"))
        headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "two"))
        headers.append(HTTPField(name: .cookie, value: "a=1"))
        headers.append(HTTPField(name: .cookie, value: "b=2"))
        try await withTestClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("/scope", headers: headers).json(EchoedScope.self)
            #expect(scope.header("x-multi") == ["one", "two"])
            #expect(scope.header("cookie") == ["a=1; b=2"])
            #expect(scope.headers.first == ["host", "testserver"])
            #expect(scope.headers.allSatisfy { $0[0] == $0[0].lowercased() })
        }
    }

    @Test func scopeFollowsTheSpec() async throws {
        var configuration = TestClientConfiguration()
        configuration.rootPath = "/api"
        configuration.client = ("10.1.2.3", 4567)
        configuration.scopeOverrides = ["custom": .string("yes")]
        try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
            let scope = try await client.post("/scope", body: Array("x".utf8)).json(EchoedScope.self)
            #expect(scope.type == "http")
            #expect(scope.asgi == ["version": "3.0", "spec_version": "2.5"])
            #expect(scope.http_version == "1.1")
            #expect(scope.method == "POST")
            #expect(scope.scheme == "http")
            #expect(scope.path == "/api/scope")
            #expect(scope.raw_path == "/api/scope")
            #expect(scope.root_path == "/api")
            #expect(scope.client == [.string("10.1.2.3"), .int(4567)])
            #expect(scope.server == [.string("testserver"), .int(80)])
            #expect(scope.header("content-length") == ["1"])
            #expect(scope.extensions?.keys.sorted() == ["http.response.debug", "http.response.trailers"])
            #expect(scope.state_keys == ["started"])
        }
    }

    @Test func specVersionIsConfigurable() async throws {
        var configuration = TestClientConfiguration()
        configuration.specVersion = "2.3"
        try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
            let scope = try await client.get("/scope").json(EchoedScope.self)
            #expect(scope.asgi["spec_version"] == "2.3")
        }
    }
}
