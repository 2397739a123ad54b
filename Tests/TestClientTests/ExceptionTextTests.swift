import HTTPTypes
import TestClient
import Testing

/// Issue 12, point 3: an exception's type, message and traceback reach the test whatever its text
/// holds or its `__str__` does.
struct ExceptionTextTests {
    static let app = "python_fixtures.edges_app:app"

    @Test func loneSurrogateInAMessageIsEscapedAsPythonPrintsIt() async throws {
        try await withTestClient(app: Self.app) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/surrogate-message") }
            #expect(error?.code == .appException)
            let exception = try #require(error?.pythonException)
            #expect(exception.type == "RuntimeError")
            #expect(exception.message == #"cannot read caf\udce9.txt"#)
            #expect(exception.traceback.contains("in surrogate_message"), "\(exception.traceback)")
            #expect(exception.traceback.hasSuffix("RuntimeError: cannot read caf\\udce9.txt\n"))
        }
    }

    @Test func failingStrIsNamedAndTheTracebackKept() async throws {
        try await withTestClient(app: Self.app) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/failing-str") }
            #expect(error?.code == .appException)
            let exception = try #require(error?.pythonException)
            #expect(exception.type == "python_fixtures.edges_app.UnprintableError")
            #expect(exception.message == "<exception str() failed: ValueError: no text for you>")
            #expect(exception.traceback.contains("in failing_str"), "\(exception.traceback)")
            #expect(exception.traceback.contains("UnprintableError"))
        }
    }

    @Test func answeredAs500WhenTheClientDoesNotRaise() async throws {
        var configuration = TestClientConfiguration()
        configuration.raiseAppExceptions = false
        try await withTestClient(app: BytesLikeTests.raw, configuration: configuration) { client in
            let surrogate = try await client.get("/raise-surrogate").status
            #expect(surrogate == .internalServerError)
            let failingStr = try await client.get("/raise-failing-str").status
            #expect(failingStr == .internalServerError)
        }
    }

    @Test func websocketTextWithALoneSurrogateIsNamedForWhatItIs() async throws {
        try await withTestClient(app: Self.app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/surrogate-text") { ws in _ = try await ws.receive() }
            }
            #expect(error?.code == .protocolViolation)
            let message = error?.message ?? ""
            #expect(message.contains("has 'text' that is not valid UTF-8"), "\(message)")
            #expect(message.contains("the lone surrogate U+DCE9 at index 8"), "\(message)")
            #expect(message.contains(#"file caf\udce9.txt"#), "\(message)")
            #expect(!message.contains("not a str"))
        }
    }

    @Test func closeReasonWithALoneSurrogateIsNamedForWhatItIs() async throws {
        try await withTestClient(app: BytesLikeTests.raw) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.websocket("/ws/surrogate-reason") { ws in _ = try await ws.receive() }
            }
            #expect(error?.code == .protocolViolation)
            #expect(
                error?.message.contains("has a 'reason' that is not valid UTF-8") == true,
                "\(error?.message ?? "")"
            )
        }
    }

    @Test func protocolErrorsShowSurrogatesEscaped() async throws {
        try await withTestClient(app: BytesLikeTests.raw) { client in
            let error = await #expect(throws: TestClientError.self) { try await client.get("/surrogate-status") }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains(#"not an int: caf\udce9.txt (str)"#) == true, "\(error?.message ?? "")")
            let unprintable = await #expect(throws: TestClientError.self) {
                try await client.get("/unprintable-status")
            }
            #expect(
                unprintable?.message.contains("<UnprintableError str() failed: ValueError: no text for you>") == true,
                "\(unprintable?.message ?? "")"
            )
        }
    }
}
