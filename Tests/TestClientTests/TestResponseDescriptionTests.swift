import HTTPTypes
import TestClient
import Testing

/// How a response prints in a failed expectation or a snapshot.
@Suite struct TestResponseDescriptionTests {
    @Test func printsAsAnHTTPMessage() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.get("/json")
            #expect(
                response.description == """
                    HTTP/1.1 200 OK
                    content-length: 17
                    content-type: application/json

                    {"hello":"world"}
                    """
            )
        }
    }

    @Test func binaryBodiesAreCounted() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.post("/echo", body: [0, 1, 2, 0xFF])
            #expect(response.description.hasSuffix("\n\n4 bytes"))
            #expect(response.description.hasPrefix("HTTP/1.1 200 OK\n"))
        }
    }
}
