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
            let leftover = LeftoverTaskProbe.appTasks("/ws/leftover")
            for _ in 0..<5 {
                try await client.websocket("/ws/leftover") { ws in
                    try await ws.send(text: "x")
                    _ = try await ws.receiveText()
                    // The probe finds the app's task while the socket is open (it is not blind).
                    #expect(try await leftover.count() == 1)
                }
            }
            #expect(try await leftover.count() == 0)
        }
    }
}
