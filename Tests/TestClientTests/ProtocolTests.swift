import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

/// One test per rule a server enforces on what the app sends (uvicorn's wording where it has one).
struct ProtocolTests {
    static let app = "python_fixtures.misbehave:app"

    @Test(
        "Each rule is a typed protocol error naming the message and the state",
        arguments: [
            ("body-before-start", "Expected ASGI message 'http.response.start', but got 'http.response.body'."),
            ("start-twice", "Expected ASGI message 'http.response.body', but got 'http.response.start'."),
            ("wrong-message-for-state", "Expected ASGI message 'http.response.start', but got 'websocket.send'."),
            ("after-complete", "Unexpected ASGI message 'http.response.body' sent, after response already completed."),
            ("status-not-int", "has a 'status' that is not an int"),
            ("status-out-of-range", "Invalid HTTP status code '99' in response."),
            ("headers-not-pairs", "is not a [bytes, bytes] pair"),
            ("headers-not-bytes", "is not a [bytes, bytes] pair"),
            ("body-not-bytes", "has a 'body' that is not bytes but 'str'"),
            ("unknown-type", "Unknown ASGI message type 'http.response.teapot'."),
            (
                "extension-not-advertised",
                "Unexpected ASGI message 'http.response.pathsend': the extension was not advertised."
            ),
            ("message-not-dict", "ASGI message must be a dict, got 'list'."),
            ("return-without-start", "ASGI callable returned without starting response."),
            ("return-without-complete", "ASGI callable returned without completing response."),
            ("return-value", "ASGI callable should return None, but returned 'not None'."),
            ("swallowed-violation", "Expected ASGI message 'http.response.body', but got 'http.response.start'."),
        ]
    )
    func rule(path: String, message: String) async throws {
        try await withTestClient(app: Self.app) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/\(path)") }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
            #expect(error?.protocolState?.isEmpty == false)
        }
    }

    @Test func messageTypeAndStateAreNamed() async throws {
        try await withTestClient(app: Self.app) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/start-twice") }
            #expect(error?.messageType == "http.response.start")
            #expect(error?.protocolState == "sending the response body")
        }
    }

    @Test func uppercaseHeaderNamesWhenStrict() async throws {
        try await withTestClient(app: Self.app) { client in
            let lenient = try await client.get("/uppercase-header-name")
            #expect(lenient.rawHeaders.first?.name == Array("content-type".utf8))
        }
        var configuration = TestClientConfiguration()
        configuration.requireLowercaseHeaderNames = true
        try await withTestClient(app: Self.app, configuration: configuration) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/uppercase-header-name") }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains("Header names must be lowercase") == true)
        }
    }

    @Test func whatTheSpecAllowsIsAccepted() async throws {
        try await withTestClient(app: Self.app) { client in
            let response = try await client.get("/optional-keys")
            #expect(response.status == .noContent)
            #expect(response.headers.isEmpty)
            #expect(response.body.isEmpty)
        }
    }

    @Test(arguments: ["system-exit", "keyboard-interrupt"])
    func processExitsDoNotTakeTheProcessDown(path: String) async throws {
        try await withTestClient(app: Self.app) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/\(path)") }
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.type == (path == "system-exit" ? "SystemExit" : "KeyboardInterrupt"))
            let after = try await client.get("/optional-keys")
            #expect(after.status == .noContent)
        }
    }

    @Test func printAndLoggingDoNotDisturbTheBridge() async throws {
        try await withTestClient(app: Self.app) { client in
            let response = try await client.get("/print")
            #expect(response.text == "ok")
        }
    }
}
