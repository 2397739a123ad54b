#if Live
import HTTPTypes
import TestClient
import TestClientLive
import Testing

/// Websockets against a real uvicorn.
extension LiveSuites {
    @Suite struct LiveWebSocketTests {
        static let app = "python_fixtures.live_app:app"

        @Test func subprotocolTextAndBytesGoBothWays() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                try await client.websocket("/ws", subprotocols: ["chat.v1", "chat.v2"]) { socket in
                    #expect(socket.acceptedSubprotocol == "chat.v2")
                    try await socket.send(text: "hello")
                    #expect(try await socket.receiveText() == "echo hello")
                    try await socket.send(bytes: [1, 2, 3])
                    #expect(try await socket.receiveBytes() == [3, 2, 1])
                    try await socket.send(json: ["a": 1])
                    #expect(try await socket.receiveText() == #"echo {"a":1}"#)
                }
            }
        }

        @Test func theAppsCloseCodeReachesTheClient() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                try await client.websocket("/ws") { socket in
                    #expect(socket.acceptedSubprotocol == nil)
                    try await socket.send(text: "close:4001")
                    let error = await #expect(throws: TestClientError.self) { _ = try await socket.receive() }
                    #expect(error?.code == .websocketClosed)
                    #expect(error?.closeCode == 4001)
                    #expect(error?.closeReason == "bye")
                }
            }
        }

        @Test func theClientsCloseCodeReachesTheApp() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                try await client.websocket("/ws") { socket in
                    try await socket.send(text: "ping")
                    _ = try await socket.receiveText()
                    try await socket.close(code: 4321, reason: "done")
                }
                struct Seen: Decodable {
                    var ws_closes: [Int?]
                }
                var closes: [Int?] = []
                for _ in 0..<50 where !closes.contains(4321) {
                    closes = try await client.get("/left").json(Seen.self).ws_closes
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(closes.contains(4321))
            }
        }

        @Test func aRejectedHandshakeIsRejectedWithItsStatus() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                let error = await #expect(throws: TestClientError.self) {
                    try await client.websocket("/refuse") { _ in }
                }
                #expect(error?.code == .websocketRejected)
                #expect(error?.denialResponse?.status.code == 403)
            }
        }
    }
}
#endif
