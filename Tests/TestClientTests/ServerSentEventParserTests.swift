import TestClient
import Testing

/// The WHATWG "event stream interpretation" rules, one by one. Every stream is parsed whole, one byte
/// per chunk, and split in two at every position: all must give the same events.
struct ServerSentEventParserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var stream: [UInt8]
        var events: [ServerSentEvent]
        var testDescription: String { rule }

        init(_ rule: String, _ stream: String, _ events: [ServerSentEvent]) {
            self.rule = rule
            self.stream = Array(stream.utf8)
            self.events = events
        }
    }

    static let cases: [Case] = [
        Case("LF ends lines", "data: a\n\ndata: b\n\n", [.init(data: "a"), .init(data: "b")]),
        Case("CR ends lines", "data: a\r\rdata: b\r\r", [.init(data: "a"), .init(data: "b")]),
        Case("CRLF ends lines", "data: a\r\n\r\ndata: b\r\n\r\n", [.init(data: "a"), .init(data: "b")]),
        Case("mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", [.init(data: "a\nb\nc")]),
        Case("a leading BOM is skipped", "\u{FEFF}data: a\n\n", [.init(data: "a")]),
        Case("only the first BOM is skipped", "\u{FEFF}\u{FEFF}data: a\n\ndata: b\n\n", [.init(data: "b")]),
        Case("comments are ignored", ": ping\n\n: note\ndata: a\n:x\n\n", [.init(data: "a")]),
        Case("a field without a colon has an empty value", "data\n\n", [.init(data: "")]),
        Case("no space after the colon", "data:a\nevent:tick\n\n", [.init(event: "tick", data: "a")]),
        Case("only one space is dropped", "data:  a \n\n", [.init(data: " a ")]),
        Case("empty data lines count", "data\ndata:\ndata: x\ndata\n\n", [.init(data: "\n\nx\n")]),
        Case("data lines join with LF", "data: first\ndata: second\n\n", [.init(data: "first\nsecond")]),
        Case("an event names the event", "event: update\ndata: a\n\n", [.init(event: "update", data: "a")]),
        Case("an empty event name is a message", "event\ndata: a\n\n", [.init(data: "a")]),
        Case(
            "the name does not outlive its block",
            "event: update\ndata: a\n\ndata: b\n\n",
            [.init(event: "update", data: "a"), .init(data: "b")]
        ),
        Case(
            "a block without data dispatches nothing",
            "event: x\nid: 7\n\n\n\ndata: a\n\n",
            [.init(data: "a", id: "7")]
        ),
        Case(
            "the last event ID is carried over",
            "id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n",
            [.init(data: "a", id: "1"), .init(data: "b", id: "1"), .init(data: "c", id: "2")]
        ),
        Case(
            "an empty id resets it",
            "id: 1\ndata: a\n\nid\ndata: b\n\n",
            [.init(data: "a", id: "1"), .init(data: "b")]
        ),
        Case("an id with NUL is ignored", "id: 1\n\nid: 2\u{0}\ndata: a\n\n", [.init(data: "a", id: "1")]),
        Case(
            "retry takes digits, for its block",
            "retry: 2500\ndata: a\n\ndata: b\n\n",
            [.init(data: "a", retry: 2500), .init(data: "b")]
        ),
        Case(
            "retry ignores anything but digits",
            "retry: 25x\ndata: a\n\nretry: -1\ndata: b\n\nretry:\ndata: c\n\n",
            [
                .init(data: "a"), .init(data: "b"), .init(data: "c"),
            ]
        ),
        Case("unknown fields are ignored", "colour: red\ndata: a\nDATA: b\n\n", [.init(data: "a")]),
        Case("an incomplete last event is dropped", "data: a\n\ndata: b\n", [.init(data: "a")]),
        Case("a last line without its end is dropped", "data: a\n\ndata: b", [.init(data: "a")]),
        Case("UTF-8 across chunks", "data: café ☕️ 🎉\n\n", [.init(data: "café ☕️ 🎉")]),
        Case("a colon in the value is kept", "data: a: b\n\n", [.init(data: "a: b")]),
    ]

    @Test(arguments: cases)
    func rule(_ rule: Case) {
        var whole = ServerSentEventParser()
        #expect(whole.parse(rule.stream) == rule.events)

        var bytewise = ServerSentEventParser()
        let oneByteAtATime = rule.stream.flatMap { bytewise.parse([$0]) }
        #expect(oneByteAtATime == rule.events)

        for split in 0...rule.stream.count {
            var parser = ServerSentEventParser()
            let events = parser.parse(rule.stream[..<split]) + parser.parse(rule.stream[split...])
            #expect(events == rule.events, "split at \(split)")
        }
    }

    @Test func eventsComeAsSoonAsTheirBlockEnds() {
        var parser = ServerSentEventParser()
        #expect(parser.parse(Array("data: a\r\n".utf8)).isEmpty)
        #expect(parser.parse(Array("\r".utf8)) == [ServerSentEvent(data: "a")])
        // The LF that completes that CRLF ends no second line: no empty block, no stray event.
        #expect(parser.parse(Array("\ndata: b\r\n\r\n".utf8)) == [ServerSentEvent(data: "b")])
    }
}
