import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

struct StreamingRequestFrameworkTests {
    static func chunks() -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            for size in [10, 20, 30] { continuation.yield(Array(repeating: 1, count: size)) }
            continuation.finish()
        }
    }

    @Test func fastapiReadsTheStream() async throws {
        try await withTestClient(app: Fixture.fastapi) { client in
            let response = try await client.request(.post, "/count-chunks", body: .stream(Self.chunks()))
            #expect(try response.json([String: [Int]].self) == ["chunks": [10, 20, 30]])
        }
    }

    @Test func quartReadsTheStream() async throws {
        try await withTestClient(app: Fixture.quart) { client in
            let response = try await client.request(.post, "/count-chunks", body: .stream(Self.chunks()))
            #expect(try response.json([String: Int].self) == ["total": 60])
        }
    }

    @Test func starletteTimesOutToo() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/sleep", timeout: .milliseconds(150))
            }
            #expect(error?.code == .timeout)
        }
    }
}
