import HTTPTypes
import TestClient
import Testing

/// What every kind of app call now shares because it opens through one entry point: the cookie jar,
/// raise-or-500, and errors labelled with their request.
@Suite struct OnePipelineTests {
    @Test func aStreamedResponseFeedsTheCookieJar() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await client.stream("/cookies/set", query: [("flavour", "oat")]) { streamed in
                #expect(streamed.status == .ok)
                for try await _ in streamed.body {}
            }
            #expect(client.cookies.cookies.map(\.name) == ["flavour"])
            struct Echoed: Decodable { var cookies: [String: String] }
            let echoed = try await client.get("/cookies/get").json(Echoed.self)
            #expect(echoed.cookies == ["flavour": "oat"])
        }
    }

    @Test(arguments: [Fixture.asgi3, Fixture.starlette])
    func raiseOrFiveHundredHoldsForStreamsToo(app: String) async throws {
        var configuration = TestClientConfiguration()
        configuration.raiseAppExceptions = false
        try await withTestClient(app: app, configuration: configuration) { client in
            let buffered = try await client.get("/boom")
            #expect(buffered.status == .internalServerError)
            let status = try await client.stream("/boom") { streamed in
                var body: [UInt8] = []
                for try await chunk in streamed.body { body += chunk }
                #expect(String(decoding: body, as: UTF8.self) == "Internal Server Error")
                return streamed.status
            }
            #expect(status == .internalServerError)
        }
        try await withTestClient(app: app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/boom")
            }
            #expect(error?.code == .appException)
            #expect(error?.request == "GET /boom")
        }
    }

    @Test func errorsBeforeTheBridgeCarryTheirRequest() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let refusedPath = await #expect(throws: TestClientError.self) {
                try await client.get("/a\r\nb")
            }
            #expect(refusedPath?.code == .invalidRequest)
            #expect(refusedPath?.request == "GET /a\r\nb")

            let refusedHeader = await #expect(throws: TestClientError.self) {
                try await client.request(method: "POST", "/echo", headerPairs: [("x-bad", "a\u{0}b")], body: [1])
            }
            #expect(refusedHeader?.request == "POST /echo")

            let refusedStream = await #expect(throws: TestClientError.self) {
                try await client.stream("/a\u{0}b", method: .post) { _ in }
            }
            #expect(refusedStream?.request == "POST /a\u{0}b")

            let refusedUpload = await #expect(throws: TestClientError.self) {
                try await client.request(.put, "/a\u{0}b", body: .stream(AsyncStream<[UInt8]> { $0.finish() }))
            }
            #expect(refusedUpload?.request == "PUT /a\u{0}b")

            let refusedSocket = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws\r\n") { _ in }
            }
            #expect(refusedSocket?.request == "WEBSOCKET /ws\r\n")
        }
    }

    @Test func errorsFromTheAppCarryTheirRequest() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let timedOut = await #expect(throws: TestClientError.self) {
                try await client.stream("/sleep", timeout: .milliseconds(200)) { _ in }
            }
            #expect(timedOut?.code == .timeout)
            #expect(timedOut?.request == "GET /sleep")
        }
    }
}
