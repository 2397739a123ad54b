import Foundation
import HTTPTypes
import Synchronization
import TestClient
import Testing

/// A request body whose `next()` ignores cancellation: the first chunk comes at once, every later
/// one only after `pause`, however the waiting task is cancelled meanwhile.
final class StubbornChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let pause: Duration
    /// How many times `next()` was entered, and how many of those calls have returned.
    let calls = Mutex((entered: 0, returned: 0))
    let lateChunk = AsyncStream.makeStream(of: Void.self)

    init(pause: Duration) { self.pause = pause }

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: StubbornChunks
        var index = 0

        mutating func next() async -> [UInt8]? {
            source.calls.withLock { $0.entered += 1 }
            defer {
                index += 1
                source.calls.withLock { $0.returned += 1 }
            }
            if index > 0 {
                // A detached task is not cancelled with the task awaiting it: this wait ignores
                // cancellation, as a badly written producer does.
                let pause = source.pause
                await Task.detached { try? await Task.sleep(for: pause) }.value
                source.lateChunk.continuation.yield()
            }
            return index < 3 ? Array(repeating: UInt8(index), count: 1024) : nil
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
}

/// A timeout is on time even when the streamed request body ignores cancellation: the request
/// abandons the producer instead of waiting for it (issue 12, point 7).
struct StubbornBodyTimeoutTests {
    @Test func timeoutArrivesOnTimeWhenTheBodyIgnoresCancellation() async throws {
        try await withTestClient(app: AppRaisedCancellationTests.starlette) { client in
            let key = UUID().uuidString
            let body = StubbornChunks(pause: .seconds(8))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: TestClientError.self) {
                try await client.request(
                    .post,
                    "/read-body",
                    query: [("key", key)],
                    body: .stream(body),
                    timeout: .seconds(2)
                )
            }
            let elapsed = clock.now - start
            #expect(error?.code == .timeout)
            #expect(elapsed >= .seconds(2))
            #expect(elapsed < .seconds(4), "the 2 s timeout arrived after \(elapsed)")
            // Under a loaded suite the app may not have asked for all of the body before the
            // timeout; when it asked for a second chunk, the producer is stuck in that `next()`.
            // Either way no more than one call is stuck, and none came after the timeout.
            let calls = body.calls.withLock { $0 }
            #expect(calls.entered <= 2 && calls.entered - calls.returned <= 1, "\(calls)")
            if calls.entered > 0 {
                // The app was told the client left while it read the body; it did not read it all.
                let ending = try await AppRaisedCancellationTests.ending(client, key)
                #expect(ending != nil && ending?.hasPrefix("read") == false, "\(String(describing: ending))")
            }
            // The client works while the producer is still stuck.
            let response = try await client.get("/nope")
            #expect(response.status == .notFound)
            guard calls.entered == 2, calls.returned == 1 else { return }
            // The abandoned producer's late chunk goes nowhere, and nothing pulls another one.
            let late = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await _ in body.lateChunk.stream { return true }
                    return false
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(15))
                    return false
                }
                defer { group.cancelAll() }
                return await group.next() ?? false
            }
            #expect(late, "the stuck producer never returned")
            try await Task.sleep(for: .milliseconds(200))
            #expect(body.calls.withLock { $0 } == (entered: 2, returned: 2))
        }
    }

    @Test func cancellingTheTaskIsOnTimeWhenTheBodyIgnoresCancellation() async throws {
        try await withTestClient(app: AppRaisedCancellationTests.starlette) { client in
            let key = UUID().uuidString
            let body = StubbornChunks(pause: .seconds(8))
            let task = Task {
                try await client.request(.post, "/read-body", query: [("key", key)], body: .stream(body))
            }
            try await Task.sleep(for: .milliseconds(500))
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            let elapsed = clock.now - start
            #expect(elapsed < .seconds(2), "the cancellation took \(elapsed)")
            let ending = try await AppRaisedCancellationTests.ending(client, key)
            #expect(ending != nil && ending?.hasPrefix("read") == false, "\(String(describing: ending))")
        }
    }

    @Test func stubbornBodyThatTheAppWaitsForStillArrivesWhole() async throws {
        // The same producer with a short pause and no timeout: abandoning is only for a request
        // that is over, not a slow one.
        try await withTestClient(app: AppRaisedCancellationTests.starlette) { client in
            let key = UUID().uuidString
            let body = StubbornChunks(pause: .milliseconds(50))
            let response = try await client.request(
                .post,
                "/read-body",
                query: [("key", key)],
                body: .stream(body),
                timeout: .seconds(10)
            )
            #expect(response.text == "3072")
        }
    }
}
