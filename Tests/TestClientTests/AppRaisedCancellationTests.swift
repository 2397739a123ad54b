import Foundation
import HTTPTypes
import TestClient
import Testing

/// A `CancelledError` the app raised itself (or got from awaiting a task someone else cancelled) is
/// an app exception, as uvicorn treats it: `.appException` with the Python type and traceback, or a
/// 500 when the client does not raise app exceptions (issue 12, point 2). Only a cancellation the
/// client caused (its task cancelled, a timeout) is reported as cancellation.
struct AppRaisedCancellationTests {
    static let starlette = "python_fixtures.edge_apps:starlette"
    static let fastapi = "python_fixtures.edge_apps:fastapi"
    static let raw = "python_fixtures.edge_apps:raw"
    static let cancelledType = "asyncio.exceptions.CancelledError"

    static func configuration(raising: Bool) -> TestClientConfiguration {
        var configuration = TestClientConfiguration()
        configuration.raiseAppExceptions = raising
        return configuration
    }

    /// The app's own frame must be in the traceback, not only the type.
    static func frame(of path: String, in app: String = starlette) -> String {
        if path == "/await-cancelled" { return "_cancelled_elsewhere" }
        return app == raw ? "in raw" : "raise_cancelled"
    }

    @Test(arguments: [starlette, fastapi, raw], ["/raise-cancelled", "/await-cancelled"])
    func appRaisedCancelledErrorIsAnAppException(app: String, path: String) async throws {
        try await withTestClient(app: app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.get(path, timeout: .seconds(10))
            }
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.type == Self.cancelledType)
            let traceback = error?.pythonException?.traceback ?? ""
            #expect(traceback.hasPrefix("Traceback (most recent call last):"), "\(traceback)")
            #expect(traceback.contains(Self.frame(of: path, in: app)), "\(traceback)")
            #expect(traceback.contains("CancelledError"))
            // The client is not broken by it.
            let next = try await client.get("/nope", timeout: .seconds(10))
            #expect(next.status == .notFound)
        }
    }

    @Test(arguments: [starlette, fastapi, raw], ["/raise-cancelled", "/await-cancelled"])
    func appRaisedCancelledErrorIsA500WhenNotRaising(app: String, path: String) async throws {
        try await withTestClient(app: app, configuration: Self.configuration(raising: false)) { client in
            let response = try await client.get(path, timeout: .seconds(10))
            #expect(response.status == .internalServerError)
            #expect(response.text == "Internal Server Error")
        }
    }

    @Test(arguments: ["/raise-cancelled", "/await-cancelled"])
    func streamOfAnAppRaisingCancelledErrorThrowsTheAppException(path: String) async throws {
        try await withTestClient(app: Self.starlette) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.stream(path, timeout: .seconds(10)) { _ in }
            }
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.type == Self.cancelledType)
            #expect(error?.pythonException?.traceback.contains(Self.frame(of: path)) == true)
        }
    }

    @Test(arguments: ["/raise-cancelled", "/await-cancelled"])
    func streamOfAnAppRaisingCancelledErrorAnswers500WhenNotRaising(path: String) async throws {
        try await withTestClient(app: Self.starlette, configuration: Self.configuration(raising: false)) { client in
            let (status, body) = try await client.stream(path, timeout: .seconds(10)) { streamed in
                var body: [UInt8] = []
                for try await chunk in streamed.body { body += chunk }
                return (streamed.status, String(decoding: body, as: UTF8.self))
            }
            #expect(status == .internalServerError)
            #expect(body == "Internal Server Error")
        }
    }

    @Test(arguments: [true, false])
    func cancelledErrorMidStreamIsThrownFromTheIterator(raising: Bool) async throws {
        try await withTestClient(app: Self.starlette, configuration: Self.configuration(raising: raising)) { client in
            var chunks: [[UInt8]] = []
            let error = await #expect(throws: TestClientError.self) {
                try await client.stream("/stream-then-cancelled", timeout: .seconds(10)) { streamed in
                    #expect(streamed.status == .ok)
                    for try await chunk in streamed.body { chunks.append(chunk) }
                }
            }
            #expect(chunks == [Array("first chunk".utf8)])
            // The response had started: there is no 500 to give, only the exception.
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.type == Self.cancelledType)
            #expect(error?.pythonException?.message == "raised mid-stream")
        }
    }

    @Test func websocketAppRaisingCancelledErrorIsAnAppException() async throws {
        try await withTestClient(app: Self.starlette) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/raise-cancelled", timeout: .seconds(10)) { ws in
                    #expect(try await ws.receiveText() == "accepted")
                    try await ws.send(text: "go")
                    _ = try await ws.receive()
                }
            }
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.type == Self.cancelledType)
            #expect(error?.pythonException?.traceback.contains("ws_raise_cancelled") == true)
        }
    }

    // MARK: Cancellation the client caused stays cancellation

    /// How the call with `key` ended, once the app has recorded it (nil if it has not within 30 s).
    static func ending(_ client: TestClient, _ key: String) async throws -> String? {
        struct Ending: Decodable { var ending: String? }
        var ending: String?
        do {
            try await Lifecycle.poll("the app call \(key) to end") {
                ending = try await client.get("/endings", query: [("key", key)]).json(Ending.self).ending
                return ending != nil
            }
        } catch is Lifecycle.PollTimeout {
            return nil
        }
        return ending
    }

    /// Whether the call with `key` has reached the app's handler.
    static func arrived(_ client: TestClient, _ key: String) async throws -> Bool {
        struct Arrival: Decodable { var arrived: Bool }
        return try await client.get("/arrivals", query: [("key", key)]).json(Arrival.self).arrived
    }

    /// A cancellation that never reached the call would hang the test: the time limit reports it.
    @Test(.timeLimit(.minutes(3)), arguments: [true, false])
    func cancellingTheTestsTaskIsCancellationError(raising: Bool) async throws {
        try await withTestClient(app: Self.starlette, configuration: Self.configuration(raising: raising)) { client in
            let key = UUID().uuidString
            let task = Task { try await client.get("/sleep", query: [("key", key)]) }
            try await Lifecycle.poll("the request to reach the app") { try await Self.arrived(client, key) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            // The app was cancelled by the bridge, and that is not reported as its exception.
            let ending = try await Self.ending(client, key)
            #expect(ending == "cancelled")
        }
    }

    @Test(arguments: [true, false])
    func timeoutIsATimeoutNotAnAppExceptionOrA500(raising: Bool) async throws {
        try await withTestClient(app: Self.starlette, configuration: Self.configuration(raising: raising)) { client in
            let key = UUID().uuidString
            // The timeout must fire while the app sleeps (30 s): 5 s leaves a busy machine time to
            // get the request there first.
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/sleep", query: [("key", key)], timeout: .seconds(5))
            }
            #expect(error?.code == .timeout)
            #expect(error?.pythonException == nil)
            #expect(try await Self.arrived(client, key), "the request had not reached the app when it timed out")
            let ending = try await Self.ending(client, key)
            #expect(ending == "cancelled")
        }
    }

    /// A cancellation that never reached the call would hang the test: the time limit reports it.
    @Test(.timeLimit(.minutes(3)))
    func cancellingAStreamWaitingForItsHeadIsCancellationError() async throws {
        try await withTestClient(app: Self.starlette) { client in
            let key = UUID().uuidString
            let task = Task { try await client.stream("/sleep", query: [("key", key)]) { _ in } }
            try await Lifecycle.poll("the request to reach the app") { try await Self.arrived(client, key) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            let timedOut = await #expect(throws: TestClientError.self) {
                try await client.stream("/sleep", timeout: .milliseconds(300)) { _ in }
            }
            #expect(timedOut?.code == .timeout)
        }
    }

    /// A cancellation that never reached the call would hang the test: the time limit reports it.
    @Test(.timeLimit(.minutes(3)))
    func websocketReceiveTimeoutAndCancellationStayTheClients() async throws {
        try await withTestClient(app: Self.starlette) { client in
            let timedOut = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/sleep") { ws in
                    _ = try await ws.receive(timeout: .milliseconds(300))
                }
            }
            #expect(timedOut?.code == .timeout)
            let key = UUID().uuidString
            let task = Task {
                try await client.websocket("/ws/sleep-keyed", query: [("key", key)]) { ws in
                    _ = try await ws.receive(timeout: .seconds(30))
                }
            }
            try await Lifecycle.poll("the socket to reach the app") { try await Self.arrived(client, key) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
        }
    }
}
