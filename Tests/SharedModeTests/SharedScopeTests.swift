import HTTPTypes
import TestClient
import Testing

/// What reaches the app's scope, in both modes. The request target and headers are the client's
/// and arrive the same way; `asgi.spec_version`, `client`, `server` and `extensions` are set by
/// whoever serves the app: the client in-process, uvicorn live.
struct SharedScopeTests {
    @Test(arguments: ClientMode.allCases)
    func pathIsDecodedAndRawPathKept(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.get("/caf%C3%A9/a%2Fb")
            let scope = try response.json(EchoedScope.self)
            #expect(scope.path == "/café/a/b")
            #expect(scope.raw_path == "/caf%C3%A9/a%2Fb")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func queryInPathArrivesByteIdentical(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("/scope?a=%20&c=a+b&d=/x").json(EchoedScope.self)
            #expect(scope.query_string == "a=%20&c=a+b&d=/x")
            #expect(scope.raw_path == "/scope")
            #expect(scope.path == "/scope")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func queryPairsArePercentEncodedAndAppended(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("/scope?x=1", query: [("q", "a b"), ("q", "c&d"), ("é", "/")]).json(
                EchoedScope.self
            )
            #expect(scope.query_string == "x=1&q=a%20b&q=c%26d&%C3%A9=%2F")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func methodIsUppercased(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let scope = try await client.request(HTTPRequest.Method("get")!, "/scope").json(EchoedScope.self)
            #expect(scope.method == "GET")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func duplicateHeadersArriveInOrder(mode: ClientMode) async throws {
        var headers = HTTPFields()
        headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "one"))
        headers.append(HTTPField(name: .accept, value: "text/plain"))
        headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "two"))
        headers.append(HTTPField(name: .cookie, value: "a=1"))
        headers.append(HTTPField(name: .cookie, value: "b=2"))
        try await mode.withClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("/scope", headers: headers).json(EchoedScope.self)
            #expect(scope.header("x-multi") == ["one", "two"])
            #expect(scope.header("cookie") == ["a=1; b=2"])
            #expect(scope.headers.first?.first == "host")
            #expect(scope.headers.allSatisfy { $0[0] == $0[0].lowercased() })
        }
    }

    @Test(arguments: ClientMode.allCases)
    func latin1ResponseHeaderRoundTripsAsBytes(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let response = try await client.get("/latin1")
            let latin1 = response.rawHeaders.first { $0.name == Array("x-latin1".utf8) }
            // Live, the bytes as the server sent them, not the HTTP parser's UTF-8 strings.
            #expect(latin1?.value == [0x63, 0x61, 0x66, 0xE9])
            #expect(response.rawHeaders.filter { $0.name == Array("x-dup".utf8) }.map(\.value) == [[0x31], [0x32]])
            #expect(response.headers[values: HTTPField.Name("x-dup")!] == ["1", "2"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func scopeValuesAreTheServers(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let scope = try await client.post("/scope", body: Array("x".utf8)).json(EchoedScope.self)
            #expect(scope.type == "http")
            #expect(scope.http_version == "1.1")
            #expect(scope.method == "POST")
            #expect(scope.scheme == "http")
            #expect(scope.path == "/scope")
            #expect(scope.root_path == "")
            #expect(scope.header("content-length") == ["1"])
            #expect(scope.state_keys == ["started"])  // the lifespan's state, copied into each call
            switch mode {
            case .inProcess:
                #expect(scope.asgi == ["version": "3.0", "spec_version": "2.5"])
                #expect(scope.client == [.string("127.0.0.1"), .int(50000)])
                #expect(scope.server == [.string("testserver"), .int(80)])
                #expect(scope.extensions?.keys.sorted() == ["http.response.debug", "http.response.trailers"])
            case .live:
                // uvicorn 0.54's HTTP/1.1 (h11): spec 2.3, the socket's addresses, no extensions.
                #expect(scope.asgi == ["version": "3.0", "spec_version": "2.3"])
                #expect(scope.client?.first == .string("127.0.0.1"))
                #expect(scope.server?.first == .string("127.0.0.1"))
                #expect(scope.extensions == nil)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func specVersionIsTheServers(mode: ClientMode) async throws {
        var configuration = TestClientConfiguration()
        configuration.specVersion = "2.3"
        try await mode.withClient(app: Fixture.asgi3, configuration: configuration) { client in
            let scope = try await client.get("/scope").json(EchoedScope.self)
            // Configurable in-process; uvicorn always says 2.3 for HTTP.
            #expect(scope.asgi["spec_version"] == "2.3")
        }
        configuration.specVersion = "2.4"
        try await mode.withClient(app: Fixture.asgi3, configuration: configuration) { client in
            let scope = try await client.get("/scope").json(EchoedScope.self)
            #expect(scope.asgi["spec_version"] == (mode == .live ? "2.3" : "2.4"))
        }
    }
}
