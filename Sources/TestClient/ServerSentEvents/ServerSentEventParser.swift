/// Turns the bytes of a `text/event-stream` body into ``ServerSentEvent`` values, chunk by chunk,
/// by the WHATWG HTML standard's "event stream interpretation" (section 9.2.6): lines end with
/// CRLF, LF or CR; a leading byte order mark is skipped; a line starting with `:` is a comment; a
/// line without a colon is a field with an empty value; one space after the colon is dropped; an
/// empty line ends a block, which dispatches an event when it had `data`; unknown fields are
/// ignored. The bytes may be split anywhere: fed one byte at a time, it gives the same events.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// var events = parser.parse(Array("data: a\r\n".utf8))   // []: the block has not ended
/// events += parser.parse(Array("\r\n".utf8))             // [ServerSentEvent(data: "a")]
/// ```
///
/// A block the stream ends in, without its empty line, is never dispatched (the standard drops it).
public struct ServerSentEventParser: Sendable {
    /// The bytes of the line under way.
    private var line: [UInt8] = []
    /// The last byte was a CR, so an LF right after it ends no further line.
    private var afterCR = false
    /// No line has ended yet: the first one may start with a byte order mark.
    private var firstLine = true
    private var eventType = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var lastEventID = ""
    private var retry: Int?

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Reads the next bytes of the stream.
    /// - Parameter bytes: The bytes, split anywhere.
    /// - Returns: The events whose blocks these bytes end, in order.
    public mutating func parse(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n") where afterCR:
                afterCR = false
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                afterCR = byte == UInt8(ascii: "\r")
                if let event = endLine() { events.append(event) }
            default:
                afterCR = false
                line.append(byte)
            }
        }
        return events
    }

    /// Interprets the line that has just ended; an empty one dispatches the block.
    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if firstLine {
            firstLine = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        guard !line.isEmpty else { return dispatch() }
        guard line[0] != UInt8(ascii: ":") else { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        var valueStart = colon < line.endIndex ? colon + 1 : colon
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        field(line[..<colon], value: line[valueStart...])
        return nil
    }

    private mutating func field(_ name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        switch String(decoding: name, as: UTF8.self) {
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "data":
            data += value
            data.append(UInt8(ascii: "\n"))
            hasData = true
        case "id" where !value.contains(0):
            lastEventID = String(decoding: value, as: UTF8.self)
        case "retry" where !value.isEmpty && value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }):
            retry = Int(String(decoding: value, as: UTF8.self))
        default:
            break
        }
    }

    /// Ends the block: an event if it had data; the event name and retry start over, the last
    /// event ID stays.
    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            eventType = ""
            data.removeAll(keepingCapacity: true)
            hasData = false
            retry = nil
        }
        guard hasData else { return nil }
        data.removeLast()
        return ServerSentEvent(
            event: eventType.isEmpty ? "message" : eventType,
            data: String(decoding: data, as: UTF8.self),
            id: lastEventID.isEmpty ? nil : lastEventID,
            retry: retry
        )
    }
}
