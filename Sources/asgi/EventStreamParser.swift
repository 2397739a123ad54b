/// Server-sent events from the bytes of a `text/event-stream` body, fed chunk by chunk, by the
/// WHATWG HTML standard's "event stream interpretation" (section 9.2.6).
///
/// The seam between the command and SSE parsing: nothing else in the command knows the format.
/// Once the library has its own parser (`ServerSentEvent`), this file becomes a wrapper over it.
struct EventStreamParser {
    struct Event: Equatable {
        /// The `event` field, "message" when the block names none.
        var event: String
        /// The `data` lines, joined with "\n".
        var data: String
        /// The last event ID in effect (set by this block or an earlier one); nil when empty.
        var id: String?
        /// The `retry` field of this block, in milliseconds.
        var retry: Int?
    }

    private var line: [UInt8] = []
    /// A CR ended the last line: an LF right after it (perhaps in the next chunk) belongs to it.
    private var afterCR = false
    private var atStart = true
    private var eventType = ""
    private var data = ""
    private var lastEventID = ""
    private var retry: Int?

    /// The events that `chunk` completes; a block still open waits for the next chunk.
    mutating func feed(_ chunk: [UInt8]) -> [Event] {
        var events: [Event] = []
        for byte in chunk {
            if afterCR, byte == UInt8(ascii: "\n") {
                afterCR = false
                continue
            }
            afterCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                if let event = process(line) { events.append(event) }
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// One line, without its line end; an empty one dispatches the block.
    private mutating func process(_ bytes: [UInt8]) -> Event? {
        var text = String(decoding: bytes, as: UTF8.self)
        if atStart {
            atStart = false
            if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        }
        guard !text.isEmpty else { return dispatch() }
        if text.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring = ""
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = text[...]
        }
        switch field {
        case "event": eventType = String(value)
        case "data": data += value + "\n"
        case "id" where !value.contains("\0"): lastEventID = String(value)
        case "retry" where !value.isEmpty && value.allSatisfy({ $0.isASCII && $0.isNumber }): retry = Int(value)
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> Event? {
        defer { (eventType, data, retry) = ("", "", nil) }
        // A block with no data line dispatches nothing; one with an empty `data` line does.
        guard !data.isEmpty else { return nil }
        return Event(
            event: eventType.isEmpty ? "message" : eventType,
            data: String(data.dropLast()),
            id: lastEventID.isEmpty ? nil : lastEventID,
            retry: retry
        )
    }
}
