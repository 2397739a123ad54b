import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

/// `close()` as a server's graceful shutdown: it refuses new calls, lets running ones finish (for
/// the client's timeout at most), then runs lifespan shutdown.
struct GracefulCloseTests {
    @Test func inFlightRequestsFinishBeforeShutdown() async throws {
        let client = try await TestClient(app: Lifecycle.app)
        let serial = try await Lifecycle.serial(of: client)
        try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<10 {
                group.addTask { try await client.get("/gated") }
            }
            try await Lifecycle.waitForLog(serial) { $0.count(where: { $0 == "request start" }) == 10 }
            let closing = Task { try await client.close() }
            try await waitUntilClosing(client)
            // close() has begun and waits: no shutdown while requests run.
            #expect(try await Lifecycle.log(serial).contains("shutdown") == false)
            try await Lifecycle.release(serial)
            try await closing.value
            var finished = 0
            for try await response in group {
                #expect(response.status == .ok)
                #expect(response.text == "done")
                finished += 1
            }
            #expect(finished == 10)
        }
        let log = try await Lifecycle.log(serial)
        let expected =
            ["startup"] + Array(repeating: "request start", count: 10) + Array(repeating: "request end", count: 10)
            + ["shutdown"]
        #expect(log == expected)
    }

    @Test func newCallsOfEveryKindFailOnceCloseBegan() async throws {
        let client = try await TestClient(app: Lifecycle.app)
        let serial = try await Lifecycle.serial(of: client)
        let running = Task { try await client.get("/gated") }
        try await Lifecycle.waitForLog(serial) { $0.contains("request start") }
        let closing = Task { try await client.close() }
        try await waitUntilClosing(client)
        try await expectEveryKindOfCallFails(client)
        #expect(try await Lifecycle.log(serial).contains("shutdown") == false)

        try await Lifecycle.release(serial)
        try await closing.value
        #expect(try await running.value.text == "done")
        try await expectEveryKindOfCallFails(client)
        #expect(try await Lifecycle.log(serial) == ["startup", "request start", "request end", "shutdown"])
    }

    @Test func concurrentClosesAllWaitAndSeeTheShutdownFailure() async throws {
        let client = try await TestClient(app: Lifecycle.failingShutdownApp)
        let serial = try await Lifecycle.serial(of: client)
        let running = Task { try await client.get("/gated") }
        try await Lifecycle.waitForLog(serial) { $0.contains("request start") }
        let released = Flag()
        let closing = TaskCount()
        // The closes run on an executor of their own: once all five tasks have started and it is
        // idle, each is suspended inside its close() (nothing else in the task can suspend).
        let executor = QuiescentExecutor()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<5 {
                group.addTask(executorPreference: executor) {
                    closing.increment()
                    await expectFailure(.lifespanShutdownFailed) { try await client.close() }
                    return released.isSet
                }
            }
            try await Lifecycle.poll("every close() to begin and wait") { closing.value == 5 && executor.isIdle }
            try await waitUntilClosing(client)
            released.set()
            try await Lifecycle.release(serial)
            for try await returnedAfterRelease in group {
                #expect(returnedAfterRelease, "A close() returned while a request was still running.")
            }
        }
        #expect(try await running.value.status == .ok)
        #expect(try await Lifecycle.log(serial) == ["startup", "request start", "request end", "shutdown"])
        // Once closed, closing again does nothing.
        try await client.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func closeFromInsideAStreamClosureEndsThatStream() async throws {
        let client = try await TestClient(app: Lifecycle.app)
        let serial = try await Lifecycle.serial(of: client)
        try await client.stream("/endless") { streamed in
            var chunks = streamed.body.makeAsyncIterator()
            let first = try await chunks.next()
            #expect(first == Array("tick\n".utf8))
            try await client.close()
        }
        // The stream's app call ended before shutdown ran. Its generator, abandoned at a `yield`,
        // is closed by asyncio's async-generator finalizer once it is collected: that may come
        // after shutdown, as under any server, so it is waited for, not ordered.
        try await Lifecycle.poll("the endless generator to be closed") {
            try await Lifecycle.log(serial).contains("endless ended")
        }
        let log = try await Lifecycle.log(serial)
        #expect(log.first == "startup")
        #expect(log.contains("shutdown"))
        #expect(log.filter { $0 != "endless ended" }.last == "shutdown")
        await expectFailure(.clientClosed) { _ = try await client.get("/serial") }
    }

    @Test(.timeLimit(.minutes(1)))
    func closeFromInsideAWebSocketClosureEndsThatWebSocket() async throws {
        let client = try await TestClient(app: Lifecycle.app)
        let serial = try await Lifecycle.serial(of: client)
        try await client.websocket("/ws") { socket in
            try await socket.send(text: "hi")
            #expect(try await socket.receiveText() == "hi")
            try await client.close()
        }
        try await Lifecycle.waitForLog(serial) { $0.contains("websocket disconnected") }
        let log = try await Lifecycle.log(serial)
        #expect(log.first == "startup")
        #expect(log.contains("shutdown"))
        await expectFailure(.clientClosed) { _ = try await client.get("/serial") }
    }

    @Test func callsStillRunningAfterTheTimeoutAreDisconnected() async throws {
        var configuration = TestClientConfiguration()
        configuration.timeout = .seconds(2)
        configuration.importTimeout = .seconds(60)  // a loaded machine may import slowly
        let client = try await TestClient(app: Lifecycle.app, configuration: configuration)
        let serial = try await Lifecycle.serial(of: client)
        // Each call's own timeout is far longer than the client's: only close() ends them.
        let request = Task { try await client.get("/hang", timeout: .seconds(300)) }
        let socket = Task {
            try await client.websocket("/ws", timeout: .seconds(300)) { socket in
                _ = try await socket.receiveText()
            }
        }
        try await Lifecycle.waitForLog(serial) { $0.contains("hang start") && $0.contains("websocket accepted") }
        try await client.close()
        await expectFailure(.connectionClosed) { _ = try await request.value }
        await #expect(throws: TestClientError.self) { try await socket.value }
        let log = try await Lifecycle.log(serial)
        #expect(log.first == "startup")
        #expect(log.last == "shutdown")
        #expect(log.contains("hang cancelled"))
        #expect(log.contains("websocket disconnected"))
    }

    /// Waits until `client` refuses new calls: its `close()` has begun.
    private func waitUntilClosing(_ client: TestClient) async throws {
        try await Lifecycle.poll("close() to begin") {
            do {
                _ = try await client.get("/serial")
                return false
            } catch let error as TestClientError where error.code == .clientClosed {
                return true
            }
        }
    }

    /// A request, a streamed response, a streamed upload and a websocket all fail with `.clientClosed`.
    private func expectEveryKindOfCallFails(_ client: TestClient) async throws {
        await expectFailure(.clientClosed) { _ = try await client.get("/serial") }
        await expectFailure(.clientClosed) {
            try await client.stream("/endless") { _ in _ = Issue.record("The stream opened.") }
        }
        await expectFailure(.clientClosed) {
            let chunks = AsyncStream<[UInt8]> { continuation in
                continuation.yield(Array("data".utf8))
                continuation.finish()
            }
            _ = try await client.request(.post, "/upload", body: .stream(chunks))
        }
        await expectFailure(.clientClosed) {
            try await client.websocket("/ws") { _ in _ = Issue.record("The websocket opened.") }
        }
    }
}

/// A flag tasks share.
private final class Flag: Sendable {
    private let value = Locked(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}

/// A count tasks share.
private final class TaskCount: Sendable {
    private let count = Locked(0)

    var value: Int { count.withLock { $0 } }

    func increment() { count.withLock { $0 += 1 } }
}
