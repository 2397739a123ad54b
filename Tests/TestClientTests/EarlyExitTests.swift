import Foundation
import HTTPTypes
import TestClient
import Testing

/// Leaving a stream early ends the app call under every spec version, and an app that stops after
/// the client left is no error, as under uvicorn (issue 18, 2 and 3).
struct EarlyExitTests {
    /// Reads `chunks` chunks of a stream of `loop_apps`, then leaves; returns the key of the call.
    static func leaveEarly(_ client: TestClient, _ path: String, after chunks: Int = 3) async throws -> String {
        let key = UUID().uuidString
        try await client.stream(path, query: [("key", key)], timeout: .seconds(20)) { streamed in
            #expect(streamed.status == .ok)
            var read = 0
            for try await _ in streamed.body {
                read += 1
                if read == chunks { break }
            }
            #expect(read == chunks)
        }
        return key
    }

    /// Starlette's StreamingResponse with `sleep(0)` between chunks, left after 3 chunks, 40 times,
    /// then another request: before 2.4 its listener gets `http.disconnect`, at 2.4 its `send()`
    /// raises; either way the app call ends.
    @Test(arguments: ["2.3", "2.5"])
    func fortyEarlyExitsFromAStarletteStream(specVersion: String) async throws {
        let configuration = LoopApps.configuration(specVersion: specVersion)
        try await withTestClient(app: LoopApps.app, configuration: configuration) { client in
            for round in 0..<40 {
                let key = try await Self.leaveEarly(client, "/starlette-stream")
                let stats = try await LoopApps.eventually(client, key) { $0.ended }
                #expect(stats.ended, "round \(round): the app call did not end")
                if specVersion == "2.3" {
                    #expect(stats.disconnect_seen, "round \(round): the listener never got http.disconnect")
                }
            }
            #expect(try await client.get("/ok").text == "ok")
        }
    }

    /// An app that awaits nothing but `send()` in an endless loop: before 2.4 its sends are no-ops
    /// that yield once the client left, so its cancellation gets in; at 2.4 they raise.
    @Test(arguments: ["2.3", "2.5"])
    func fortyEarlyExitsFromAnEndlessRawSender(specVersion: String) async throws {
        let configuration = LoopApps.configuration(specVersion: specVersion)
        try await withTestClient(app: LoopApps.app, configuration: configuration) { client in
            for round in 0..<40 {
                let key = try await Self.leaveEarly(client, "/endless-raw")
                let stats = try await LoopApps.eventually(client, key) { $0.ended }
                #expect(stats.ended, "round \(round): the app call did not end")
                #expect(specVersion == "2.3" ? stats.cancelled : stats.error == "ClientDisconnected")
            }
            #expect(try await client.get("/ok").text == "ok")
        }
    }

    /// The app stops on its own once the client has gone (on `http.disconnect`) and returns with
    /// its response incomplete: no violation, nothing thrown, as uvicorn reports nothing once the
    /// client disconnected. With the old outcome, every round threw "returned without completing".
    @Test(arguments: ["2.3", "2.5"])
    func anAppThatReturnsAfterTheDisconnectIsNoError(specVersion: String) async throws {
        let configuration = LoopApps.configuration(specVersion: specVersion)
        try await withTestClient(app: LoopApps.app, configuration: configuration) { client in
            for round in 0..<20 {
                let key = try await Self.leaveEarly(client, "/wait-for-disconnect", after: 2)
                let stats = try await LoopApps.eventually(client, key) { $0.ended }
                #expect(stats.disconnect_seen && stats.error == nil, "round \(round): \(stats)")
            }
        }
    }

    /// At 2.4 an app that catches the error `send()` raises after the client left and returns is
    /// no error either.
    @Test func anAppThatReturnsOnTheSendErrorIsNoError() async throws {
        try await withTestClient(app: LoopApps.app) { client in
            for round in 0..<20 {
                let key = try await Self.leaveEarly(client, "/endless-catching", after: 2)
                let stats = try await LoopApps.eventually(client, key) { $0.ended }
                #expect(stats.send_errors == 1 && !stats.cancelled && stats.error == nil, "round \(round): \(stats)")
            }
        }
    }

    /// sse-starlette's EventSourceResponse, left after its first event, 50 times: it returns
    /// normally once it sees the disconnect, which is no error.
    @Test func fiftyEarlyExitsFromSSEStarlette() async throws {
        try await withTestClient(app: LoopApps.app) { client in
            for round in 0..<50 {
                let key = try await Self.leaveEarly(client, "/sse", after: 1)
                let stats = try await LoopApps.eventually(client, key) { $0.ended }
                #expect(stats.ended, "round \(round): the app call did not end")
            }
        }
    }

    /// Resuming a yielding no-op send whose task was cancelled meanwhile does nothing: asyncio logs
    /// no error of the bridge's making after many early leaves from an endless sender (spec 2.3).
    @Test func noBridgeErrorIsLoggedAfterEarlyLeaves() async throws {
        let configuration = LoopApps.configuration(specVersion: "2.3")
        try await withTestClient(app: LoopApps.app, configuration: configuration) { client in
            for _ in 0..<40 {
                let key = try await Self.leaveEarly(client, "/endless-raw", after: 1)
                _ = try await LoopApps.eventually(client, key) { $0.ended }
            }
            // One more loop round, so that callbacks scheduled by the last cancellation have run.
            _ = try await client.get("/ok")
            let errors = try await LoopApps.bridgeErrors(client)
            #expect(errors.isEmpty, "\(errors)")
        }
    }

    /// Before the client left, an app that returns without completing its response still breaks
    /// the protocol.
    @Test func returningWithoutCompletingBeforeTheClientLeftIsStillAViolation() async throws {
        try await withTestClient(app: "python_fixtures.misbehave:app") { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.stream("/return-without-complete") { streamed in
                    for try await _ in streamed.body {}
                }
            }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains("without completing response") == true)
        }
    }
}
