import Foundation
import HTTPTypes
import TestClient
import Testing

struct WebSocketTests {
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
}
