import Foundation
import HTTPTypes
import TestClient
import Testing

struct WebSocketTests {
    @Test(
        "Echo, JSON and binary round trips",
        arguments: [
            (Fixture.starlette, "/ws/echo"), (Fixture.fastapi, "/ws"), (Fixture.quart, "/ws"),
        ]
    )
    func roundTrips(app: String, path: String) async throws {
        try await withTestClient(app: app) { client in
            try await client.websocket(path) { ws in
                try await ws.send(text: "héllo")
                let text = try await ws.receiveText()
                #expect(text == "héllo")
                try await ws.send(bytes: [0, 1, 2, 255])
                let bytes = try await ws.receiveBytes()
                #expect(bytes == [0, 1, 2, 255])
                try await ws.send(json: ["a": 1])
                let echoed = try await ws.receiveJSON([String: Int].self)
                #expect(echoed == ["a": 1])
                try await ws.send(json: ["b": 2], binary: true)
                let binary = try await ws.receiveBytes()
                #expect(binary == Array(#"{"b":2}"#.utf8))
            }
        }
    }

    @Test func jsonRoute() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/json") { ws in
                try await ws.send(json: ["x": [1, 2]])
                let reply = try await ws.receiveJSON([String: [String: [Int]]].self)
                #expect(reply == ["got": ["x": [1, 2]]])
            }
        }
    }

    @Test func subprotocolsAndAcceptHeaders() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/echo", subprotocols: ["chat", "superchat"]) { ws in
                #expect(ws.acceptedSubprotocol == "chat")
                #expect(ws.acceptHeaders[HTTPField.Name("x-accept")!] == "yes")
            }
        }
    }

    struct Info: Decodable {
        var query: String
        var cookies: [String: String]
        var subprotocols: [String]
        var scheme: String
        var path: String
        var headers: [[String]]
        var extensions: [String]
        var spec_version: String
    }

    @Test func scopeCarriesQueryCookiesAndUpgradeHeaders() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc")])
            try await client.websocket(
                "/ws/info?x=1",
                query: [("y", "a b")],
                subprotocols: ["p1"],
                headers: [.cookie: "extra=2"]
            ) { ws in
                let info = try await ws.receiveJSON(Info.self)
                #expect(info.query == "x=1&y=a%20b")
                #expect(info.cookies == ["session": "abc", "extra": "2"])
                #expect(info.subprotocols == ["p1"])
                #expect(info.scheme == "ws")
                #expect(info.path == "/ws/info")
                #expect(info.extensions == ["websocket.http.response"])
                #expect(info.spec_version == "2.5")
                let names = info.headers.map { $0[0] }
                #expect(names.first == "host")
                for name in [
                    "connection", "upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol",
                    "cookie",
                ] {
                    #expect(names.contains(name), "\(name)")
                }
                #expect(info.headers.filter { $0[0] == "cookie" }.count == 1)
                let error = await #expect(throws: TestClientError.self) { try await ws.receiveText() }
                #expect(error?.code == .websocketClosed)
                #expect(error?.closeCode == 1000)
            }
        }
    }

    @Test func fastapiCloseBeforeAcceptIsARejection() async throws {
        try await withTestClient(app: Fixture.fastapi) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/reject") { _ in }
            }
            #expect(error?.code == .websocketRejected)
            #expect(error?.closeCode == 4001)
            #expect(error?.closeReason == "no entry")
        }
    }

    @Test func quartAbortIsADenialResponse() async throws {
        try await withTestClient(app: Fixture.quart) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.websocket("/ws/abort") { _ in } }
            #expect(error?.code == .websocketDenied)
            #expect(error?.denialResponse?.status == .unauthorized)
        }
    }

    @Test func starletteDenialResponseWithBody() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.websocket("/ws/deny") { _ in } }
            #expect(error?.code == .websocketDenied)
            #expect(error?.denialResponse?.status == .forbidden)
            #expect(error?.denialResponse?.text == "go away")
            #expect(error?.denialResponse?.headers[HTTPField.Name("x-denied")!] == "1")
        }
    }

    @Test func serverCloseWithReason() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/close-reason") { ws in
                let first = try await ws.receiveText()
                #expect(first == "bye soon")
                let error = await #expect(throws: TestClientError.self) { try await ws.receive() }
                #expect(error?.code == .websocketClosed)
                #expect(error?.closeCode == 4000)
                #expect(error?.closeReason == "server says bye")
                #expect(ws.isClosed)
            }
        }
    }

    @Test func clientCloseCodeAndReasonReachTheApp() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/echo?closed-by-test") { ws in
                try await ws.close(code: 4321, reason: "client leaving")
            }
            try await client.websocket("/ws/echo?left-open") { _ in }  // closed with 1000 on the way out
            struct Disconnect: Decodable, Equatable {
                var code: Int
                var reason: String
                var query: String
            }
            let seen = try await client.get("/ws/disconnects").json([Disconnect].self)
            #expect(seen.contains(Disconnect(code: 4321, reason: "client leaving", query: "closed-by-test")))
            #expect(seen.contains(Disconnect(code: 1000, reason: "", query: "left-open")))
        }
    }

    /// The app never sends: a receive whose timeout did not fire would hang, so the time limit turns
    /// that into a failure.
    @Test(.timeLimit(.minutes(2)))
    func receiveTimesOut() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/silent") { ws in
                let clock = ContinuousClock()
                let start = clock.now
                let error = await #expect(throws: TestClientError.self) {
                    try await ws.receive(timeout: .milliseconds(150))
                }
                #expect(error?.code == .timeout)
                #expect(clock.now - start < .seconds(15))
            }
        }
    }

    @Test func appReturningWithoutCloseSurfaces() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/return-without-close") { ws in
                let error = await #expect(throws: TestClientError.self) { try await ws.receive() }
                #expect(error?.code == .websocketClosed)
                #expect(error?.closeCode == 1006)
            }
        }
    }

    @Test func wrongFrameKindIsTyped() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/echo") { ws in
                try await ws.send(text: "text")
                let error = await #expect(throws: TestClientError.self) { try await ws.receiveBytes() }
                #expect(error?.code == .unexpectedMessage)
                #expect(error?.message.contains("text") == true)
            }
        }
    }

    @Test func thousandEchoesOnOneSocket() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/echo") { ws in
                for index in 0..<1000 {
                    try await ws.send(text: String(index))
                    let reply = try await ws.receiveText()
                    #expect(reply == String(index))
                }
            }
        }
    }

    /// Every socket first hears "met" from `/ws/barrier`, which says it only once all 32 sockets of
    /// this key are open in the app at the same time.
    @Test func thirtyTwoSocketsAtOnce() async throws {
        let key = UUID().uuidString
        try await withTestClient(app: Fixture.starlette) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for socket in 0..<32 {
                    group.addTask {
                        let query = [("key", key), ("parties", "32")]
                        try await client.websocket("/ws/barrier", query: query) { ws in
                            #expect(try await ws.receiveText(timeout: .seconds(120)) == "met", "socket \(socket)")
                            for message in 0..<20 {
                                try await ws.send(text: "\(socket)-\(message)")
                                let reply = try await ws.receiveText()
                                #expect(reply == "\(socket)-\(message)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func messagesSequenceEndsAtClose() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/close-reason") { ws in
                var received: [WebSocketMessage] = []
                for try await message in ws.messages { received.append(message) }
                #expect(received == [.text("bye soon")])
            }
        }
    }
}
