import Foundation
import Testing

/// `asgi` on a response that streams: an event stream (sse-starlette's) printed as it arrives, any
/// body with `--stream`, JSON a line per event, and the three ends: the app, Ctrl-C, silence.
extension CommandLineTests {
    /// A running `asgi` whose standard output is read as it comes.
    struct Running {
        let process: Process
        let out: FileHandle
        let err: FileHandle
        var seen = Data()
        var text: String { String(decoding: seen, as: UTF8.self) }

        init(_ arguments: [String]) throws {
            process = CommandLineTests.process(arguments, input: .devNull, environment: [:])
            let (outPipe, errPipe) = (Pipe(), Pipe())
            process.standardOutput = outPipe
            process.standardError = errPipe
            (out, err) = (outPipe.fileHandleForReading, errPipe.fileHandleForReading)
            try process.run()
        }

        /// Reads until `text` has been printed; false if the output ended first.
        mutating func read(until text: String) -> Bool {
            while !self.text.contains(text) {
                let chunk = out.availableData
                if chunk.isEmpty { return false }
                seen += chunk
            }
            return true
        }

        /// Ctrl-C, then everything up to the exit.
        mutating func interrupt() -> (status: Int32, stderr: String) {
            process.interrupt()
            seen += out.readDataToEndOfFile()
            let stderr = String(decoding: err.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, stderr)
        }
    }

    /// The lines of `--stream --output json`, each one JSON object.
    static func objects(_ run: Run) throws -> [[String: Any]] {
        try run.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func anEndlessEventStreamIsPrintedAsItArrivesUntilCtrlC() async throws {
        // Buffered, nothing would show until the 30 s timeout, and then only a failure.
        var running = try Running(["GET", "/events"])
        let arrived = running.read(until: "data: tick 2\r\n")
        #expect(arrived)
        #expect(running.process.isRunning)
        let (status, stderr) = running.interrupt()
        #expect(status == 0)
        #expect(stderr == "")
        #expect(running.text.hasPrefix("HTTP/1.1 200 OK\n"))
        #expect(running.text.contains("content-type: text/event-stream; charset=utf-8\n"))
        #expect(running.text.contains("event: greeting\r\ndata: first line\r\ndata: second line\r\n"))
    }

    @Test(.timeLimit(.minutes(2)))
    func streamPrintsAnyBodyAsItArrives() async throws {
        var running = try Running(["--stream", "--print", "b", "GET", "/ticks"])
        let arrived = running.read(until: "tick 2\n")
        #expect(arrived)
        #expect(running.process.isRunning)
        let (status, _) = running.interrupt()
        #expect(status == 0)
        #expect(running.text.hasPrefix("tick 0\ntick 1\ntick 2\n"))
    }

    @Test func streamJSONIsOneObjectPerEvent() async throws {
        let run = try await Self.run(["--stream", "--output", "json", "GET", "/events?count=3&every=0"])
        #expect(run.status == 0)
        let lines = try Self.objects(run)
        try #require(lines.count == 5)
        #expect(lines[0]["type"] as? String == "response")
        #expect(lines[0]["status"] as? Int == 200)
        #expect(lines[1]["type"] as? String == "event")
        #expect(lines[1]["event"] as? String == "greeting")
        #expect(lines[1]["data"] as? String == "first line\nsecond line")
        #expect(lines[1]["id"] as? String == "0")
        #expect(lines[1]["retry"] as? Int == 2500)
        #expect(lines[2]["data"] as? String == "tick 1")
        #expect(lines[2]["retry"] == nil)
        #expect(lines[3]["id"] as? String == "2")
        #expect(lines[4]["type"] as? String == "end")
        #expect(lines[4]["reason"] as? String == "app")
    }

    @Test func eventStreamJSONWithoutStreamIsOneObjectAtTheEnd() async throws {
        let run = try await Self.run(["--output", "json", "GET", "/events?count=2&every=0"])
        #expect(run.status == 0)
        let object = try #require(try run.object())
        #expect((object["body"] as? String)?.contains("data: tick 1\r\n") == true)
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.map { $0["event"] as? String } == ["greeting", "tick"])
    }

    @Test func aStreamEndsCleanlyAfterTimeoutSecondsWithNothingNew() async throws {
        let pretty = try await Self.run(["--timeout", "1", "GET", "/events?count=2&every=0&hold"])
        #expect(pretty.status == 0)
        #expect(pretty.stdout.contains("data: tick 1\r\n"))
        #expect(pretty.stderr == "")
        let json = try await Self.run(["--timeout", "1", "--stream", "--output", "json", "GET", "/events?count=1&hold"])
        #expect(json.status == 0)
        let lines = try Self.objects(json)
        #expect(lines.map { $0["type"] as? String } == ["response", "event", "end"])
        #expect(lines.last?["reason"] as? String == "silence")
    }

    @Test(.timeLimit(.minutes(2)))
    func aBodyThatIsNoStreamStillHasTimeoutSecondsInAll() async throws {
        // Without --stream an endless plain body is read whole, so --timeout bounds all of it, and
        // Ctrl-C or the timeout cut it short as failures, never as a complete response.
        let run = try await Self.run(["--timeout", "1", "GET", "/ticks"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("asgi: timeout: The body did not end within 1.0 seconds (--timeout)"))
        #expect(run.stdout == "")
    }

    @Test func verboseAndPrintStillWorkOnAStream() async throws {
        let verbose = try await Self.run(["-v", "GET", "/events?count=1"])
        #expect(verbose.stdout.hasPrefix("GET /events?count=1 HTTP/1.1\nhost: testserver\n\n\nHTTP/1.1 200 OK\n"))
        #expect(verbose.stdout.contains("data: first line\r\n"))
        let head = try await Self.run(["--print", "h", "GET", "/events?count=1"])
        #expect(head.stdout.hasPrefix("HTTP/1.1 200 OK\n"))
        #expect(!head.stdout.contains("data:"))
    }

    @Test func eventStreamParsingFollowsTheWHATWGRulesByteByByte() async throws {
        let run = try await Self.run(["--app", "python_fixtures.cli_streams:app", "--stream", "--output", "json", "GET", "/"])
        #expect(run.status == 0)
        let events = try Self.objects(run).filter { $0["type"] as? String == "event" }
        let expected: [(event: String, data: String, id: String?, retry: Int?)] = [
            ("message", "plain", nil, nil),
            ("named", "no space", "7", 1500),
            ("message", "\ntwo", "7", nil),
            ("message", "café", "8", nil),
            ("message", "", "8", nil),
            ("message", "reset", nil, nil),
        ]
        try #require(events.count == expected.count)
        for (event, wanted) in zip(events, expected) {
            #expect(event["event"] as? String == wanted.event)
            #expect(event["data"] as? String == wanted.data)
            #expect(event["id"] as? String == wanted.id)
            #expect(event["retry"] as? Int == wanted.retry)
        }
    }
}
