import HTTPTypes
import TestClient
import Testing

/// Issue 12, point 4: bytes-like objects (`bytearray`, `memoryview`) are accepted where uvicorn
/// accepts them; what is not bytes-like is still refused.
struct BytesLikeTests {
    static let raw = "python_fixtures.edges_app:raw"

    @Test func starletteMemoryviewResponse() async throws {
        try await withTestClient(app: ExceptionTextTests.app) { client in
            let response = try await client.get("/memoryview")
            #expect(response.status == .ok)
            #expect(response.text == "hello from a memoryview")
        }
    }

    @Test func starletteStreamsMemoryviewChunks() async throws {
        try await withTestClient(app: ExceptionTextTests.app) { client in
            let buffered = try await client.get("/memoryview-stream").text
            #expect(buffered == "one,two,three")
            let chunks = try await client.stream("/memoryview-stream") { streamed in
                var chunks: [String] = []
                for try await chunk in streamed.body { chunks.append(String(decoding: chunk, as: UTF8.self)) }
                return chunks
            }
            #expect(chunks == ["one,", "two,", "three"])
        }
    }

    @Test func starletteWebsocketSendsBytesLike() async throws {
        try await withTestClient(app: ExceptionTextTests.app) { client in
            try await client.websocket("/ws/bytes-like") { ws in
                let first = try await ws.receiveBytes()
                let second = try await ws.receiveBytes()
                let third = try await ws.receiveBytes()
                #expect(first == Array("bytearray".utf8))
                #expect(second == Array("memoryview".utf8))
                #expect(third == Array("strided".utf8))
            }
        }
    }

    @Test func starletteDenialResponseWithAMemoryviewBody() async throws {
        try await withTestClient(app: ExceptionTextTests.app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/deny-memoryview") { _ in }
            }
            #expect(error?.denialResponse?.status == .forbidden)
            #expect(error?.denialResponse?.text == "denied by memoryview")
        }
    }

    @Test func rawBytearrayBodyAndHeaders() async throws {
        try await withTestClient(app: Self.raw) { client in
            let response = try await client.get("/bytearray")
            #expect(response.text == "part one, part two")
            #expect(response.headers[HTTPField.Name("x-kind")!] == "bytearray")
        }
    }

    @Test(
        "What is not bytes-like stays a protocol violation",
        arguments: [
            (
                "/released",
                "has a 'body' whose buffer cannot be read: ValueError: operation forbidden on released memoryview object"
            ),
            ("/list-body", "has a 'body' that is not bytes but 'list'"),
            ("/surrogate-header", "is not a [bytes, bytes] pair"),
        ]
    )
    func notBytesLike(path: String, message: String) async throws {
        try await withTestClient(app: Self.raw) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get(path) }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
    }

    @Test func releasedMemoryviewOnAWebsocket() async throws {
        try await withTestClient(app: Self.raw) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/released") { ws in _ = try await ws.receive() }
            }
            #expect(error?.code == .protocolViolation)
            #expect(
                error?.message.contains("has 'bytes' whose buffer cannot be read") == true,
                "\(error?.message ?? "")"
            )
        }
    }
}
