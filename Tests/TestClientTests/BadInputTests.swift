import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

struct BadInputTests {
    @Test(
        "Malformed input is refused before it reaches the app",
        arguments: [
            ("GET", "/", [("X-Bad", "a\r\nInjected: 1")], "CR, LF and NUL"),
            ("GET", "/", [("X-Bad", "nul\u{0}byte")], "CR, LF and NUL"),
            ("GET", "/", [("Bad Name", "x")], "not an HTTP token"),
            ("GET", "/", [("X-Bad\n", "x")], "not an HTTP token"),
            ("BAD METHOD", "/", [], "not an HTTP token"),
            ("GE\nT", "/", [], "not an HTTP token"),
            ("GET", "/a\tb", [], "U+0009 (TAB)"),
            ("GET", "/a\u{7F}b", [], "U+007F (DEL)"),
            ("GET", "gopher://example.com/", [], "unsupported scheme"),
            ("GET", "http://example.com:http/", [], "invalid port"),
            ("GET", "/", [("Cookie", "bad name=1")], #"The cookie "bad name" cannot be sent"#),
            ("GET", "/", [("Cookie", "a=1; flag")], "not a name=value pair"),
        ]
    )
    func refused(method: String, path: String, headers: [(String, String)], message: String) async throws {
        try await withTestClient(app: Fixture.counted) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.request(method: method, path, headerPairs: headers)
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            // Nothing reached the app, while a good request does.
            #expect(try await Fixture.calls(client) == [])
            _ = try await client.get("/")
            #expect(try await Fixture.calls(client) == ["/"])
        }
    }

    @Test func goodRawInputIsSent() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let scope = try await client.request(
                method: "get",
                "/scope?q=%FF%00",
                headerPairs: [("X-One", "1"), ("x-one", "2")]
            ).json(EchoedScope.self)
            #expect(scope.method == "GET")
            #expect(scope.query_string == "q=%FF%00")  // percent-encoded bytes that are not UTF-8 pass as they are
            #expect(scope.header("x-one") == ["1", "2"])
        }
    }
}
