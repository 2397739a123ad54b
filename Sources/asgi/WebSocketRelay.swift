import Foundation
import PyASGIBridge
import TestClient

/// `--ws`: every stdin line goes out as a text message while the app's messages are printed as
/// they come, both at once. After the end of input the command waits until the app closes, or
/// until the app has been silent for `--timeout` seconds (1 by default, so a piped script does not
/// sit through the app timeout), then closes with 1000.
enum WebSocketRelay {
    enum Outcome: Sendable {
        /// Input ended and the command closed the socket with 1000.
        case closedByClient
        /// The app closed the socket (1006: it returned without closing).
        case closedByApp(code: Int, reason: String)
    }

    /// The app did not return after the command closed the socket.
    struct Failure: Error {
        var message: String
    }

    /// Times of the exchange, shared by the sending and the receiving task.
    final class Activity: Sendable {
        private struct Values {
            var last = ContinuousClock.now
            var closedByClient = false
        }
        private let values = Locked(Values())

        /// The last message from the app, or the end of input, whichever came later.
        var last: ContinuousClock.Instant { values.withLock { $0.last } }
        var closedByClient: Bool { values.withLock { $0.closedByClient } }
        func touch() { values.withLock { $0.last = .now } }
        func markClosedByClient() { values.withLock { $0.closedByClient = true } }
    }

    struct Settings {
        var silence: Duration
        var appTimeout: Duration
        var json: Bool
    }

    static func run(_ request: RequestPlan, command: ASGICommand) async throws -> Outcome {
        let settings = Settings(
            silence: command.timeout.map { .milliseconds(Int($0 * 1000)) } ?? .seconds(1),
            appTimeout: command.appTimeout,
            json: command.output == .json
        )
        let lines = command.ignoreStdin ? AsyncStream { $0.finish() } : StandardInput.lines()
        let activity = Activity()
        do {
            return try await command.target.withClient(configuration: command.clientConfiguration) { client in
                try await client.websocket(request.target, headers: request.fields, timeout: settings.appTimeout) {
                    try await relay($0, lines: lines, activity: activity, settings: settings)
                }
            }
        } catch is CancellationError where activity.closedByClient {
            throw Failure(
                message: "The app did not return within \(settings.appTimeout) after the websocket closed with 1000."
            )
        }
    }

    /// Runs the sender and the receiver together; the first outcome ends both.
    static func relay(
        _ socket: WebSocket,
        lines: AsyncStream<String>,
        activity: Activity,
        settings: Settings
    ) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome?.self) { group in
            group.addTask { try await receive(socket, activity: activity, json: settings.json) }
            group.addTask { try await send(lines, to: socket, activity: activity, settings: settings) }
            while let result = try await group.next() {
                if let outcome = result {
                    group.cancelAll()
                    return outcome
                }
            }
            return .closedByClient
        }
    }

    /// Sends each line; after the end of input waits for the silence, closes with 1000, and gives
    /// the app its timeout to return. Nil when cancelled or when the app closed first.
    static func send(
        _ lines: AsyncStream<String>,
        to socket: WebSocket,
        activity: Activity,
        settings: Settings
    ) async throws -> Outcome? {
        for await line in lines {
            do {
                try await socket.send(text: line)
            } catch {
                return nil  // the app closed; the receiver reports how
            }
        }
        activity.touch()
        do {
            while true {
                let due = activity.last + settings.silence
                guard ContinuousClock.now < due else { break }
                try await Task.sleep(until: due, clock: .continuous)
            }
            activity.markClosedByClient()
            try await socket.close(code: 1000)
            try await Task.sleep(for: settings.appTimeout)
        } catch is CancellationError {
            return nil
        }
        return .closedByClient
    }

    /// Prints each message until the socket closes.
    static func receive(_ socket: WebSocket, activity: Activity, json: Bool) async throws -> Outcome? {
        while true {
            let message: WebSocketMessage
            do {
                // No deadline while input may still come: an interactive session waits for the user.
                message = try await socket.receive(timeout: .seconds(86_400))
            } catch let error as TestClientError where error.code == .websocketClosed {
                if activity.closedByClient { return .closedByClient }
                let (code, reason) = (error.closeCode ?? 1005, error.closeReason ?? "")
                if json {
                    StandardOutput.write(JSONRenderer.line(["type": "close", "code": code, "reason": reason]) + "\n")
                }
                return .closedByApp(code: code, reason: reason)
            } catch is CancellationError where activity.closedByClient {
                return .closedByClient
            }
            activity.touch()
            StandardOutput.write(show(message, json: json) + "\n")
        }
    }

    static func show(_ message: WebSocketMessage, json: Bool) -> String {
        switch (message, json) {
        case (.text(let text), false): text
        case (.bytes(let bytes), false):
            StandardOutput.isTerminal
                ? "binary data, \(bytes.count) bytes" : "<\(bytes.count) bytes> " + Data(bytes).base64EncodedString()
        case (.text(let text), true): JSONRenderer.line(["type": "text", "text": text])
        case (.bytes(let bytes), true):
            JSONRenderer.line(["type": "bytes", "base64": Data(bytes).base64EncodedString()])
        }
    }
}
