import Foundation
import HTTPTypes
import TestClient
import Testing

/// A red test says why (issue 19, 2 and 3): the app's own frames first, the response in every
/// failure that concerns one, the call's records.
struct FailureExplanationTests {
    struct Item: Decodable {
        var id: Int
        var name: String
    }

    @Test func anAppExceptionShowsTheAppsFramesBeforeTheFrameworks() async throws {
        try await withTestClient(app: AppLogTests.app) { client in
            let tag = AppLogTests.tag()
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/boom", query: [("tag", tag)])
            }
            let text = try #require(error?.description)
            let lines = text.split(separator: "\n").map(String.init)
            let exceptionLine = try #require(lines.firstIndex { $0 == "ValueError: broken \(tag)" })
            let appFrame = try #require(lines.firstIndex { $0.contains("python_fixtures/logging_app.py") })
            let leftOut = try #require(lines.firstIndex { $0.hasPrefix("  + ") && $0.contains("frames in") })
            #expect(exceptionLine < appFrame && appFrame < leftOut, "\(text)")
            #expect(lines[leftOut].contains("starlette") && lines[leftOut].contains("fastapi"), "\(lines[leftOut])")
            #expect(!lines.contains { $0.contains("/site-packages/") }, "framework frames are left out: \(text)")
            #expect(text.contains("ERROR svc.auth: about to fail \(tag)"), "the call's records: \(text)")
            #expect(error?.pythonException?.traceback.contains("/site-packages/starlette/") == true)
        }
    }

    @Test func aBodyThatDoesNotDecodeSaysWhatCame() async throws {
        try await withTestClient(app: AppLogTests.app) { client in
            let tag = AppLogTests.tag()
            let response = try await client.get("/login", query: [("tag", tag)])
            let error = #expect(throws: TestClientError.self) { try response.json(Item.self) }
            #expect(error?.code == .decodingFailed)
            let text = try #require(error?.description)
            #expect(text.contains("GET /login"), "\(text)")
            #expect(text.contains("200 OK"), "\(text)")
            #expect(text.contains("application/json"), "\(text)")
            #expect(text.contains(#"{"ok":false}"#), "\(text)")
            #expect(text.contains(#"the key "id" is missing"#), "\(text)")
            #expect(text.contains("failed login for \(tag)"), "\(text)")
            #expect(error?.response?.status == .ok)
            guard case .keyNotFound(let key, _)? = error?.decodingError else {
                Issue.record("the DecodingError is kept: \(String(describing: error?.decodingError))")
                return
            }
            #expect(key.stringValue == "id")
        }
    }

    @Test func requireThrowsWithTheWholeResponse() async throws {
        try await withTestClient(app: AppLogTests.app) { client in
            let tag = AppLogTests.tag()
            let response = try await client.get("/login", query: [("tag", tag)])
            #expect(try response.require(.ok).status == .ok)
            #expect(try response.require(.successful).status == .ok)
            let error = #expect(throws: TestClientError.self) { try response.require(.created) }
            #expect(error?.code == .unexpectedStatus)
            let text = try #require(error?.description)
            #expect(text.contains("200 OK; expected 201 Created"), "\(text)")
            #expect(text.contains("content-type: application/json"), "\(text)")
            #expect(text.contains(#"{"ok":false}"#), "\(text)")
            #expect(text.contains("WARNING svc.auth: failed login for \(tag)"), "\(text)")
            #expect(error?.response?.body == response.body)
            let kind = #expect(throws: TestClientError.self) { try response.require(.clientError) }
            #expect(kind?.code == .unexpectedStatus)
        }
    }

    /// Each request, stream and websocket call says where the test made it (issue 19, 4).
    @Test func errorsNameTheLineOfTheCall() async throws {
        try await withTestClient(app: AppLogTests.app) { client in
            let file = "FailureExplanationTests.swift"
            let getLine = #line + 1
            let get = await #expect(throws: TestClientError.self) {
                try await client.get("/boom", query: [("tag", "x")])
            }
            #expect(get?.location == "\(file):\(getLine)")
            #expect(get?.request == "GET /boom")
            #expect(
                get?.description.hasPrefix("TestClientError.appException (GET /boom (\(file):\(getLine))): ") == true
            )

            let postLine = #line + 1
            let post = await #expect(throws: TestClientError.self) {
                try await client.post("/boom", json: [1], form: [])
            }
            #expect(post?.code == .invalidRequest)
            #expect(post?.location == "\(file):\(postLine)")

            let streamLine = #line + 1
            let stream = await #expect(throws: TestClientError.self) {
                try await client.stream("/boom?tag=y") { s in for try await _ in s.body {} }
            }
            #expect(stream?.location == "\(file):\(streamLine)")

            let socketLine = #line + 1
            let socket = await #expect(throws: TestClientError.self) { try await client.websocket("/nowhere") { _ in } }
            #expect(socket?.location == "\(file):\(socketLine)", "\(String(describing: socket))")

            let rawLine = #line + 1
            let raw = await #expect(throws: TestClientError.self) { try await client.request(method: "G E T", "/") }
            #expect(raw?.location == "\(file):\(rawLine)")
        }
    }
}
