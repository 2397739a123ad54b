import Foundation
import HTTPTypes
import PyASGIBridge
import TestClient

/// One HTTP request read as it comes: the head first, then the body printed as it arrives (an
/// event stream, or any response with `--stream`) or gathered and printed whole at the end. The
/// body ends when the app ends it, at Ctrl-C, or after `--timeout` seconds with nothing new.
struct StreamedExchange: Sendable {
    /// A body that is no stream went on past `--timeout`: the whole response has that long, as
    /// when it was read in one piece.
    struct Unending: Error {
        var message: String
    }

    /// What ended the body.
    enum End: String, Sendable {
        case app
        case interrupted
        case silence
    }

    let plan: RequestPlan
    let style: OutputStyle
    /// `--output json`, and `--stream`: any response printed as it arrives (JSON one object a line).
    let json, streamsAll: Bool
    /// How long the head may take, and then the silence that ends the body.
    let timeout: Duration
    let interruption: Interruption
    /// The head once it came, and what ended the body once it ended: the call may still throw
    /// for the same cause afterwards.
    private let state = Locked<(head: TestResponse?, end: End?)>((nil, nil))

    /// Opens a client on the target, sends the request and prints the response; returns it, its
    /// body empty when it was printed as it came.
    func run(_ target: ClientTarget, configuration: TestClientConfiguration) async throws -> TestResponse {
        do {
            return try await target.withClient(configuration: configuration) { client in
                try await client.stream(
                    plan.target,
                    method: plan.method,
                    headers: plan.fields,
                    body: plan.body,
                    timeout: timeout
                ) { streamed in
                    let eventStream = Self.isEventStream(streamed.headers)
                    if streamsAll || (eventStream && !json) {
                        return try await printLive(streamed, eventStream: eventStream)
                    }
                    return try await gather(streamed, eventStream: eventStream)
                }
            }
        } catch {
            // The call, and closing the client, fail with the timeout or the cancellation that ended
            // the body; the response has been printed, so that is no failure.
            let (head, end) = state.withLock { $0 }
            guard let head, let end, end != .app else { throw error }
            return head
        }
    }

    /// Prints the head, then each chunk (or each event, as JSON) as it arrives.
    private func printLive(_ streamed: StreamedResponse, eventStream: Bool) async throws -> TestResponse {
        let head = response(streamed)
        state.withLock { $0.head = head }
        let renderer = MessageRenderer(style: style)
        if json {
            StandardOutput.write(JSONRenderer.head(head, request: style.showsRequest ? plan : nil))
        } else {
            StandardOutput.write(renderer.response(head, afterRequest: style.showsRequest))
        }
        var parser = ServerSentEventParser()
        var lastByte: UInt8?
        let end = try await read(streamed, lenient: true) { chunk in
            if json, eventStream {
                for event in parser.parse(chunk) { StandardOutput.write(JSONRenderer.line(event)) }
            } else if json {
                StandardOutput.write(JSONRenderer.chunk(chunk, contentType: streamed.headers[.contentType]))
            } else if style.parts.contains("b") {
                let shown = renderer.chunk(chunk, contentType: streamed.headers[.contentType])
                StandardOutput.write(shown)
                lastByte = shown.last ?? lastByte
            }
        }
        if json {
            StandardOutput.write(JSONRenderer.line(["type": "end", "reason": end.rawValue]) + "\n")
        } else if let lastByte, lastByte != UInt8(ascii: "\n") {
            StandardOutput.write("\n")
        }
        return head
    }

    /// Reads the whole body and prints it as a buffered response would be, with the events of an
    /// event stream in the JSON. Only an event stream may be ended by Ctrl-C or the silence: any
    /// other body cut short is a failure, as it was before streaming.
    private func gather(_ streamed: StreamedResponse, eventStream: Bool) async throws -> TestResponse {
        var body: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        _ = try await read(streamed, lenient: eventStream) { chunk in
            body += chunk
            if !eventStream, ContinuousClock.now > deadline {
                throw Unending(
                    message: "The body did not end within \(timeout) (--timeout); --stream prints it as it arrives."
                )
            }
        }
        let gathered = response(streamed, body: body)
        state.withLock { $0.head = gathered }
        if json {
            var events: [ServerSentEvent]?
            if eventStream {
                var parser = ServerSentEventParser()
                events = parser.parse(body)
            }
            StandardOutput.write(
                JSONRenderer.render(gathered, request: style.showsRequest ? plan : nil, events: events)
            )
        } else {
            StandardOutput.write(MessageRenderer(style: style).response(gathered, afterRequest: style.showsRequest))
        }
        return gathered
    }

    /// Gives `each` every chunk until the body ends; says what ended it. Unless `lenient`, only
    /// the app may end it: the timeout and Ctrl-C are failures.
    private func read(
        _ streamed: StreamedResponse,
        lenient: Bool,
        _ each: ([UInt8]) throws -> Void
    ) async throws -> End {
        let end: End
        do {
            for try await chunk in streamed.body { try each(chunk) }
            end = .app
        } catch let error as TestClientError where error.code == .timeout {
            guard lenient else { throw error }
            end = .silence
        } catch {
            guard lenient, interruption.happened else { throw error }
            end = .interrupted
        }
        state.withLock { $0.end = end }
        return end
    }

    /// The head as a response, with the body given (an empty one when it was printed as it came).
    private func response(_ streamed: StreamedResponse, body: [UInt8] = []) -> TestResponse {
        TestResponse(
            status: Int(streamed.status.code),
            rawHeaders: streamed.rawHeaders,
            body: body,
            method: plan.method,
            path: plan.target
        )
    }

    /// `text/event-stream`, whatever its parameters.
    static func isEventStream(_ headers: HTTPFields) -> Bool {
        let type = headers[.contentType]?.split(separator: ";").first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased() == "text/event-stream"
    }
}
