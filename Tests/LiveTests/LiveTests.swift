#if Live
import Foundation
import HTTPTypes
import TestClient
import TestClientLive
import Testing

/// Live mode against a real uvicorn: the same client API, over sockets.
extension LiveSuites {
    @Suite struct LiveTests {
        static let app = "python_fixtures.live_app:app"

        struct State: Decodable {
            var started_by: String
            var pid: Int
            var served_by: Int
        }

        @Test func lifespanStateReachesRequests() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                #expect(client.lifespanSupported)
                #expect(client.baseURL.host == "127.0.0.1")
                #expect(client.baseURL.port != nil)
                let state = try await client.get("/state").json(State.self)
                #expect(state.started_by == "lifespan")
                #expect(state.pid != Int(getpid()))
            }
        }

        @Test func cookiesLiveInTheClientsJar() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                _ = try await client.get("/set-cookie", query: [("session", "abc")])
                #expect(client.cookies["session"] == "abc")
                let echoed = try await client.get("/cookies").json([String: String].self)
                #expect(echoed == ["session": "abc"])
            }
        }

        @Test func redirectsAreFollowedWithHistory() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                let response = try await client.get("/redirect/3")
                #expect(response.text == "arrived")
                #expect(response.history.map(\.status.code) == [302, 302, 302])
                #expect(response.history.map(\.path) == ["/redirect/3", "/redirect/2", "/redirect/1"])
            }
        }

        @Test func requestBodiesStreamUp() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                let chunks = AsyncStream<[UInt8]> { continuation in
                    for index in 0..<5 { continuation.yield(Array(repeating: UInt8(index), count: 1000)) }
                    continuation.finish()
                }
                struct Uploaded: Decodable {
                    var chunks: Int
                    var bytes: Int
                }
                let uploaded = try await client.request(.post, "/upload", body: .stream(chunks)).json(Uploaded.self)
                #expect(uploaded.bytes == 5000)
                #expect(uploaded.chunks >= 1)
            }
        }

        @Test func responsesStreamDown() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                let lines = try await client.stream("/numbers", query: [("count", "20")]) { streamed in
                    var text = ""
                    for try await chunk in streamed.body { text += String(decoding: chunk, as: UTF8.self) }
                    return text.split(separator: "\n").map(String.init)
                }
                #expect(lines == (0..<20).map(String.init))
            }
        }

        @Test func leavingAStreamEarlyIsSeenByTheApp() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                struct Seen: Decodable {
                    var left: Int
                }
                let before = try await client.get("/left").json(Seen.self).left
                try await client.stream("/endless") { streamed in
                    for try await _ in streamed.body { break }
                }
                var after = before
                for _ in 0..<100 where after == before {
                    try await Task.sleep(for: .milliseconds(20))
                    after = try await client.get("/left").json(Seen.self).left
                }
                #expect(after == before + 1)
            }
        }

        @Test func parallelClientsOfOneAppShareOneServer() async throws {
            let pids = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                            var pids: [Int] = []
                            for _ in 0..<5 { pids.append(try await client.get("/state").json(State.self).served_by) }
                            return pids
                        }
                    }
                }
                var all: [Int] = []
                for try await pids in group { all += pids }
                return all
            }
            #expect(pids.count == 40)
            #expect(Set(pids).count == 1)
        }

        @Test func aFactoryGetsAServerOfItsOwn() async throws {
            let first = try await TestClient(app: "python_fixtures.live_app:create_app()", server: .uvicorn())
            let second = try await TestClient(app: "python_fixtures.live_app:create_app()", server: .uvicorn())
            #expect(first.baseURL != second.baseURL)
            try await first.close()
            try await second.close()
        }

        /// uvicorn took the listener it is given (`--fd`) for a Unix socket, so asyncio left Nagle's
        /// algorithm on for the connections it accepted: on a kept-alive connection each response
        /// waited for the client's delayed ACK.
        @Test func theServersConnectionsSendWithoutNaglesDelay() async throws {
            struct NoDelay: Decodable { var nodelay: Bool? }
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                let socket = try await client.get("/nodelay").json(NoDelay.self)
                #expect(socket.nodelay == true)
            }
        }

        @Test func workersServeTheApp() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn(arguments: ["--workers", "2"])) { client in
                let response = try await client.get("/state")
                #expect(response.status == .ok)
            }
        }

        @Test func inProcessAndLiveRunTheSameBody() async throws {
            for server in [AppServer.inProcess, .uvicorn()] {
                try await withTestClient(app: Self.app, server: server) { client in
                    let response = try await client.get("/redirect/1")
                    #expect(response.text == "arrived", "\(server)")
                    #expect(response.history.count == 1, "\(server)")
                }
            }
        }

        @Test func aClientOfAURLReachesAServerTheTestStarted() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { owner in
                try await withTestClient(url: owner.baseURL) { client in
                    #expect(client.baseURL == owner.baseURL)
                    let state = try await client.get("/state").json(State.self)
                    #expect(state.started_by == "lifespan")
                    #expect(!client.lifespanSupported)
                }
            }
        }

        @Test func timeoutsApplyToLiveCalls() async throws {
            var configuration = TestClientConfiguration()
            configuration.timeout = .milliseconds(300)
            // The server's start is bounded by importTimeout when it is set.
            configuration.importTimeout = .seconds(60)
            try await withTestClient(app: Self.app, configuration: configuration, server: .uvicorn()) { client in
                let slow = await #expect(throws: TestClientError.self) {
                    _ = try await client.get("/endless")
                }
                #expect(slow?.code == .timeout)
            }
        }

        @Test func serverLogLinesOfACallGoToItsError() async throws {
            try await withTestClient(app: Self.app, server: .uvicorn()) { client in
                let error = await #expect(throws: TestClientError.self) {
                    _ = try await client.get("/warn", query: [("id", "call-7")]).require(.ok)
                }
                #expect(error?.code == .unexpectedStatus)
                let response = try await client.get("/warn", query: [("id", "call-8")])
                #expect(response.logs.contains { $0.message.contains("about to fail call-8") }, "\(response.logs)")
                #expect(!response.logs.contains { $0.message.contains("call-7") })
            }
        }
    }
}
#endif
