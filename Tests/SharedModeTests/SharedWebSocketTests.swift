import Foundation
import HTTPTypes
import TestClient
import Testing

/// WebSockets in both modes: messages, subprotocols, rejections, denials and close codes.
struct SharedWebSocketTests {
    @Test(
        "Echo, JSON and binary round trips",
        arguments: ClientMode.allCases,
        [(Fixture.starlette, "/ws/echo"), (Fixture.fastapi, "/ws"), (Fixture.quart, "/ws")]
    )
    func roundTrips(mode: ClientMode, app: (String, String)) async throws {
        try await mode.withClient(app: app.0) { client in
            try await client.websocket(app.1) { ws in
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

    @Test(arguments: ClientMode.allCases)
    func jsonRoute(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/json") { ws in
                try await ws.send(json: ["x": [1, 2]])
                let reply = try await ws.receiveJSON([String: [String: [Int]]].self)
                #expect(reply == ["got": ["x": [1, 2]]])
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func subprotocolsAndAcceptHeaders(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
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

    @Test(arguments: ClientMode.allCases)
    func scopeCarriesQueryCookiesAndHeaders(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
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
                let names = info.headers.map { $0[0] }
                #expect(names.first == "host")
                #expect(info.headers.filter { $0[0] == "cookie" }.count == 1)
                switch mode {
                case .inProcess:
                    #expect(info.spec_version == "2.5")
                    for name in [
                        "connection", "upgrade", "sec-websocket-key", "sec-websocket-version",
                        "sec-websocket-protocol",
                    ] {
                        #expect(names.contains(name), "\(name)")
                    }
                case .live:
                    // uvicorn's wsproto server: spec 2.4, and the handshake's own headers are its.
                    #expect(info.spec_version == "2.4")
                }
                let error = await #expect(throws: TestClientError.self) { try await ws.receiveText() }
                #expect(error?.code == .websocketClosed)
                #expect(error?.closeCode == 1000)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func fastapiCloseBeforeAcceptIsARejection(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.fastapi) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/reject") { _ in }
            }
            switch mode {
            case .inProcess:
                #expect(error?.code == .websocketRejected)
                #expect(error?.closeCode == 4001)
                #expect(error?.closeReason == "no entry")
            case .live:
                // A close before accept is uvicorn's 403 (no body) to the handshake: still a
                // rejection, with the 403 as its denial response, and no code or reason.
                #expect(error?.code == .websocketRejected)
                #expect(error?.closeCode == nil)
                #expect(error?.denialResponse?.status == .forbidden)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func quartAbortIsADenialResponse(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.quart) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.websocket("/ws/abort") { _ in } }
            #expect(error?.code == .websocketDenied)
            #expect(error?.denialResponse?.status == .unauthorized)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func starletteDenialResponseWithBody(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.websocket("/ws/deny") { _ in } }
            #expect(error?.code == .websocketDenied)
            #expect(error?.denialResponse?.status == .forbidden)
            #expect(error?.denialResponse?.text == "go away")
            #expect(error?.denialResponse?.headers[HTTPField.Name("x-denied")!] == "1")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func serverCloseWithReason(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
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

    @Test(arguments: ClientMode.allCases)
    func clientCloseCodeAndReasonReachTheApp(mode: ClientMode) async throws {
        let marker = UUID().uuidString
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/echo?closed-\(marker)") { ws in
                try await ws.close(code: 4321, reason: "client leaving")
            }
            try await client.websocket("/ws/echo?open-\(marker)") { _ in }  // closed with 1000 on the way out
            struct Disconnect: Decodable, Equatable {
                var code: Int
                var reason: String
                var query: String
            }
            let expected = [
                Disconnect(code: 4321, reason: "client leaving", query: "closed-\(marker)"),
                Disconnect(code: 1000, reason: "", query: "open-\(marker)"),
            ]
            // Live, the app hears of a close when uvicorn has read the close frame.
            var seen: [Disconnect] = []
            try await poll("the app to see both sockets close") {
                seen = try await client.get("/ws/disconnects").json([Disconnect].self)
                return expected.allSatisfy(seen.contains) || mode == .inProcess
            }
            for disconnect in expected { #expect(seen.contains(disconnect)) }
        }
    }

    /// The app never sends: a receive whose timeout did not fire would hang, so the time limit turns
    /// that into a failure.
    @Test(.timeLimit(.minutes(2)), arguments: ClientMode.allCases)
    func receiveTimesOut(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/silent") { ws in
                let error = await #expect(throws: TestClientError.self) {
                    try await ws.receive(timeout: .milliseconds(150))
                }
                #expect(error?.code == .timeout)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func appReturningWithoutCloseSurfaces(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/return-without-close") { ws in
                let error = await #expect(throws: TestClientError.self) { try await ws.receive() }
                #expect(error?.code == .websocketClosed)
                #expect(error?.closeCode == 1006)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func wrongFrameKindIsTyped(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/echo") { ws in
                try await ws.send(text: "text")
                let error = await #expect(throws: TestClientError.self) { try await ws.receiveBytes() }
                #expect(error?.code == .unexpectedMessage)
                #expect(error?.message.contains("text") == true)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func thousandEchoesOnOneSocket(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/echo") { ws in
                for index in 0..<1000 {
                    try await ws.send(text: String(index))
                    let reply = try await ws.receiveText()
                    #expect(reply == String(index))
                }
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func messagesSequenceEndsAtClose(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            try await client.websocket("/ws/close-reason") { ws in
                var received: [WebSocketMessage] = []
                for try await message in ws.messages { received.append(message) }
                #expect(received == [.text("bye soon")])
            }
        }
    }
}
