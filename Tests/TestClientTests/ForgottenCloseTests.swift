import PyASGIBridge
import Testing

@testable import TestClient

/// A client released while still open is an issue of the test that opened it (issue 19, 5), and
/// captured records are echoed with the test they belong to (issue 19, 1).
struct ForgottenCloseTests {
    @Test func aForgottenCloseIsAnIssueAtTheLineThatOpenedTheClient() async throws {
        let openedOn = #line + 2
        try await withKnownIssue {
            let client = try await TestClient(app: AppLogTests.app)
            _ = try await client.get("/plain")
        } matching: { issue in
            let comment = issue.comments.map(\.rawValue).joined()
            return comment.contains("TestClient of \(AppLogTests.app) opened at ForgottenCloseTests.swift:\(openedOn)")
                && comment.contains("lifespan shutdown did not run")
                && issue.sourceLocation?.line == openedOn
        }
    }

    @Test func aClosedClientIsNoIssue() async throws {
        let client = try await TestClient(app: AppLogTests.app)
        try await client.close()
    }

    @Test func echoedLinesNameTheRunningTest() throws {
        let name = try #require(TestScope.currentName)
        #expect(name == "ForgottenCloseTests/echoedLinesNameTheRunningTest()")
        let entry = LogEntry(
            level: "WARNING",
            logger: "svc.auth",
            message: "failed login",
            exception: "Traceback\nKeyError"
        )
        #expect(
            LogEcho.lines(entry, prefix: name)
                == "[\(name)] WARNING svc.auth: failed login\n[\(name)] Traceback\n[\(name)] KeyError\n"
        )
    }
}
