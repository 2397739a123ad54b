import HTTPTypes
import Testing

@testable import TestClient

/// Configuration values are checked when a client opens, as request targets are per request
/// (issue 18, 5): nothing a server would refuse reaches the scope.
struct ConfigurationValidationTests {
    static func opening(_ change: (inout TestClientConfiguration) -> Void) async -> TestClientError? {
        var configuration = TestClientConfiguration()
        change(&configuration)
        do {
            let client = try await TestClient(app: Fixture.asgi3, configuration: configuration)
            try await client.close()
            return nil
        } catch let error as TestClientError {
            return error
        } catch {
            Issue.record("not a TestClientError: \(error)")
            return nil
        }
    }

    @Test(
        arguments: [
            ("host", "evil\r\nInjected: 1", "U+000D (CR)"),
            ("host", "a\u{7F}b", "U+007F (DEL)"),
            ("rootPath", "/r\r\noot", "U+000D (CR)"),
            ("rootPath", "/r\noot", "U+000A (LF)"),
            ("client.host", "1.2.3.4\0", "U+0000 (NUL)"),
            ("server.host", "srv\n", "U+000A (LF)"),
        ]
    )
    func controlCharactersAreRefused(field: String, value: String, character: String) async throws {
        let error = await Self.opening { configuration in
            switch field {
            case "host": configuration.host = value
            case "rootPath": configuration.rootPath = value
            case "client.host": configuration.client = (value, 1234)
            default: configuration.server = (value, 80)
            }
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains("TestClientConfiguration.\(field)") == true, "\(String(describing: error))")
        #expect(error?.message.contains(character) == true, "\(String(describing: error))")
    }

    @Test(arguments: [-5, 70000, 65536])
    func portsOutsideTheRangeAreRefused(port: Int) async throws {
        for field in ["port", "client.port", "server.port"] {
            let error = await Self.opening { configuration in
                switch field {
                case "port": configuration.port = port
                case "client.port": configuration.client = ("127.0.0.1", port)
                default: configuration.server = ("testserver", port)
                }
            }
            #expect(error?.code == .invalidRequest, "\(field)")
            #expect(
                error?.message.contains("TestClientConfiguration.\(field) \(port)") == true,
                "\(String(describing: error))"
            )
        }
    }

    @Test func portsAtTheEdgesAreKept() async throws {
        var configuration = TestClientConfiguration()
        configuration.port = 65535
        configuration.client = ("127.0.0.1", 0)
        try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
            let scope = try await client.get("/x").json(EchoedScope.self)
            #expect(scope.server == [.string("testserver"), .int(65535)])
            #expect(scope.client == [.string("127.0.0.1"), .int(0)])
        }
    }

    @Test func aDefaultHeaderWithADELIsRefused() async throws {
        let error = await Self.opening { configuration in
            configuration.headers = [HTTPField.Name("x-odd")!: "a\u{7F}b"]
        }
        // swift-http-types may already have replaced the byte; either way no DEL reaches the app.
        if let error {
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("headers[x-odd]"))
        } else {
            var configuration = TestClientConfiguration()
            configuration.headers = [HTTPField.Name("x-odd")!: "a\u{7F}b"]
            try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
                let scope = try await client.get("/x").json(EchoedScope.self)
                #expect(scope.header("x-odd").allSatisfy { !$0.contains("\u{7F}") })
            }
        }
    }

    /// A DEL in a header value given as plain strings is refused, not sent as an empty value.
    @Test func aDELInARawHeaderValueIsRefused() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.request(method: "GET", "/x", headerPairs: [("x-odd", "a\u{7F}b")])
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains("0x7F") == true, "\(String(describing: error))")
        }
    }

    /// `[::1]` as the host: the `Host` header keeps the brackets, `server` does not, as for an
    /// absolute URL to `[::1]`.
    @Test func anIPv6HostIsCarriedAsFromAnAbsoluteURL() async throws {
        var configuration = TestClientConfiguration()
        configuration.host = "[::1]"
        try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
            let own = try await client.get("/x").json(EchoedScope.self)
            let absolute = try await client.get("http://[::1]/x").json(EchoedScope.self)
            #expect(own.server == [.string("::1"), .int(80)])
            #expect(own.server == absolute.server)
            #expect(own.header("host") == ["[::1]"])
            #expect(own.header("host") == absolute.header("host"))
        }
    }

    /// Dot segments are removed from request paths, as httpx sends them (RFC 3986, 5.2.4).
    @Test func dotSegmentsAreRemovedAsHttpxDoes() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let scope = try await client.get("/a/../b").json(EchoedScope.self)
            #expect(scope.path == "/b")
            #expect(scope.raw_path == "/b")
            let kept = try await client.get("/a/%2E%2E/b").json(EchoedScope.self)
            #expect(kept.raw_path == "/a/%2E%2E/b")
        }
    }
}
