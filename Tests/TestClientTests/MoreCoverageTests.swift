import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

struct WebSocketProtocolTests {
    @Test(
        "A websocket message not allowed in the state is an error naming it and the state",
        arguments: [
            (
                "/ws/send-before-accept",
                "Expected ASGI message 'websocket.accept', 'websocket.close' or 'websocket.http.response.start' but got 'websocket.send'."
            ),
            ("/ws/denial-bad-status", "Invalid HTTP status code '700' in response."),
        ]
    )
    func handshakeRules(path: String, message: String) async throws {
        try await withTestClient(app: ProtocolTests.app) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.websocket(path) { _ in } }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            #expect(error?.protocolState == "handshake pending")
        }
    }

    @Test func messagesAfterCloseOrOfAnotherProtocol() async throws {
        try await withTestClient(app: ProtocolTests.app) { client in
            let afterClose = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/after-close") { ws in
                    while true { _ = try await ws.receive() }
                }
            }
            #expect(afterClose?.code == .websocketClosed)
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/http-response-after-accept") { ws in _ = try await ws.receive() }
            }
            #expect(error?.code == .protocolViolation)
            #expect(
                error?.message.contains(
                    "Expected ASGI message 'websocket.send' or 'websocket.close', but got 'http.response.start'."
                ) == true
            )
        }
    }

    @Test func violationAfterCloseFailsTheExchange() async throws {
        try await withTestClient(app: ProtocolTests.app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/after-close") { _ in }
            }
            #expect(error?.code == .protocolViolation)
            #expect(
                error?.message.contains("Unexpected ASGI message 'websocket.send', after sending 'websocket.close'.")
                    == true
            )
        }
    }

    @Test func returningBeforeHandshake() async throws {
        try await withTestClient(app: ProtocolTests.app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/return-before-handshake") { _ in }
            }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains("returned without completing handshake") == true)
        }
    }

    @Test func appExceptionBeforeAccept() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.websocket("/ws/raise") { _ in } }
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.type == "PermissionError")
        }
    }

    @Test func noAppTaskIsLeftAfterTheClosure() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            for _ in 0..<5 {
                try await client.websocket("/ws/leftover") { ws in
                    try await ws.send(text: "x")
                    _ = try await ws.receiveText()
                }
            }
            let runtime = try await PythonRuntime.shared(InterpreterConfiguration())
            let running = try await runtime.call(
                module: "python_fixtures.misbehave",
                function: "app_tasks",
                arguments: ["/ws/leftover"]
            )
            #expect(running == "0")
        }
    }
}

struct StreamingRequestFrameworkTests {
    static func chunks() -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            for size in [10, 20, 30] { continuation.yield(Array(repeating: 1, count: size)) }
            continuation.finish()
        }
    }

    @Test func fastapiReadsTheStream() async throws {
        try await withTestClient(app: Fixture.fastapi) { client in
            let response = try await client.request(.post, "/count-chunks", streaming: Self.chunks())
            #expect(try response.json([String: [Int]].self) == ["chunks": [10, 20, 30]])
        }
    }

    @Test func quartReadsTheStream() async throws {
        try await withTestClient(app: Fixture.quart) { client in
            let response = try await client.request(.post, "/count-chunks", streaming: Self.chunks())
            #expect(try response.json([String: Int].self) == ["total": 60])
        }
    }

    @Test func starletteTimesOutToo() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/sleep", timeout: .milliseconds(150))
            }
            #expect(error?.code == .timeout)
        }
    }
}

struct RecoveryTests {
    @Test func failedImportThenAGoodApp() async throws {
        await #expect(throws: TestClientError.self) { try await TestClient(app: "python_fixtures.does_not_exist:app") }
        await #expect(throws: TestClientError.self) { try await TestClient(app: "python_fixtures.raw_asgi:missing") }
        try await withTestClient(app: Fixture.asgi3) { client in
            let response = try await client.get("/")
            #expect(response.text == "plain response")
        }
    }
}

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
        try await withTestClient(app: ProtocolTests.app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.request(method: method, path, headerPairs: headers)
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            // Nothing reached the app: its event log stays as it was.
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

struct ClientLifetimeTests {
    @Test func droppedClientLeavesNoLifespanTask() async throws {
        do {
            let client = try await TestClient(app: "python_fixtures.lifespan_apps:recording_dropped")
            let response = try await client.get("/")
            #expect(response.status == .ok)
        }
        let runtime = try await PythonRuntime.shared(InterpreterConfiguration())
        var running = "?"
        for _ in 0..<250 {
            running = try await runtime.call(
                module: "python_fixtures.lifespan_apps",
                function: "lifespan_tasks",
                arguments: ["recording_dropped"]
            )
            if running == "0" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(running == "0")
    }
}
