import HTTPTypes
import TestClient
import Testing

struct TimeoutTests {
    @Test func hungAppTimesOutAndClientStaysUsable() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/sleep?60", timeout: .milliseconds(200))
            }
            #expect(error?.code == .timeout)
            #expect(error?.message.contains("the response") == true)
            // Without the timeout the answer would take a minute.
            #expect(clock.now - start < .seconds(15))
            let response = try await client.get("/")
            #expect(response.text == "plain response")
        }
    }

    /// A timeout that waited for the loop would come after the 3 s the app blocks it; one on time
    /// comes after 200 ms, with 2.3 s to spare for a busy machine. (The block is kept short: every
    /// client of the process shares the loop.)
    @Test func appBlockingTheLoopStillTimesOutOnTime() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/block?3", timeout: .milliseconds(200))
            }
            #expect(error?.code == .timeout)
            #expect(clock.now - start < .milliseconds(2500))
            let response = try await client.get("/", timeout: .seconds(10))
            #expect(response.text == "plain response")
        }
    }

    @Test(arguments: [
        ("2.4", "http.disconnect, then send raised ClientDisconnected"), ("2.3", "http.disconnect, then send returned"),
    ])
    func sendAfterDisconnectFollowsTheSpecVersion(version: String, expected: String) async throws {
        var configuration = TestClientConfiguration()
        configuration.specVersion = version
        try await withTestClient(app: Fixture.asgi3, configuration: configuration) { client in
            // The timeout is the disconnect; 2 s lets a busy machine get the request to the app first.
            await #expect(throws: TestClientError.self) {
                try await client.get("/late-send", timeout: .seconds(2))
            }
            try await Lifecycle.poll("the app's late send") {
                try await client.get("/late-send/result").json([String].self).contains(expected)
            }
        }
    }

    @Test func backgroundTaskExceptionSurfaces() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/background-fail") }
            #expect(error?.code == .appException)
            #expect(error?.pythonException?.message == "background task failed")
        }
    }

    /// A cancellation that never reached the call would hang the test: the time limit reports it.
    @Test(.timeLimit(.minutes(3)))
    func cancellingTheTaskThrowsCancellationError() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let task = Task { try await client.get("/sleep?5") }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            let response = try await client.get("/")
            #expect(response.status == .ok)
        }
    }
}
