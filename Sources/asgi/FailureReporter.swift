import Foundation
import HTTPTypes
import TestClient

/// Failures on stderr: one line, `asgi: code: message`; with `-v` the rest follows (the other
/// lines of the message, the request, the protocol state, the Python traceback).
struct FailureReporter {
    let verbose: Bool
    /// What the command was told about the app, shown with `-v` when loading it failed.
    var appContext: [String] = []

    static let loadFailures: Set<String> = [
        "interpreterStart", "invalidAppSpec", "moduleNotFound", "attributeNotFound", "notCallable", "importFailed",
    ]

    func report(_ error: any Error) {
        switch error {
        case let error as TestClientError: report(error)
        case let error as WebSocketRelay.Failure: fail("timeout", error.message)
        case let error as StreamedExchange.Unending: fail("timeout", error.message)
        case is CancellationError: fail("cancelled", "The request was cancelled.")
        default: fail("error", String(describing: error))
        }
    }

    func report(_ error: TestClientError) {
        let lines = error.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var more = Array(lines.dropFirst())
        if let traceback = error.pythonException?.traceback, !traceback.isEmpty {
            more.append(traceback.hasSuffix("\n") ? String(traceback.dropLast()) : traceback)
        }
        guard verbose else {
            fail("\(error.code)", (lines.first ?? "") + (more.isEmpty ? "" : " (-v for details)"))
            return
        }
        var context = Self.loadFailures.contains("\(error.code)") ? appContext : []
        if let request = error.request { context.append("request: \(request)") }
        if let type = error.messageType { context.append("ASGI message: \(type)") }
        if let state = error.protocolState { context.append("protocol state: \(state)") }
        if let denial = error.denialResponse {
            context.append("response: \(denial.status.code) \(denial.status.reasonPhrase) \(denial.text.prefix(200))")
        }
        fail("\(error.code)", ([lines.first ?? ""] + more + context).joined(separator: "\n"))
    }

    func fail(_ code: String, _ message: String) {
        Self.write("asgi: \(code): \(message)\n")
    }

    static func warn(_ message: String) {
        write("asgi: warning: \(message)\n")
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
