#if Live
import PyASGIBridge

/// What a live server wrote to its stdout and stderr, as records: a line that starts with a level
/// (`INFO:     Started server process`) opens a record, and the lines after it that do not (a
/// traceback) belong to it. A call reads the records written while it ran.
final class ServerLog: Sendable {
    private struct State {
        var records: [LogEntry] = []
        /// Bytes after the last newline, per stream (1 stdout, 2 stderr).
        var partial: [Int: [UInt8]] = [:]
        var lastWrite = ContinuousClock.now
    }

    private let state = Locked(State())
    private static let levels = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

    /// How many records there are: where a call that starts now begins reading.
    var count: Int { state.withLock { $0.records.count } }

    /// The records from `start` on.
    func records(from start: Int) -> [LogEntry] {
        state.withLock { Array($0.records[min(start, $0.records.count)...]) }
    }

    /// Everything written, as text.
    var text: String {
        state.withLock { state in
            var lines = state.records.map(\.line)
            for (_, rest) in state.partial.sorted(by: { $0.key < $1.key }) where !rest.isEmpty {
                lines.append(String(decoding: rest, as: UTF8.self))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Whether a record's message contains `text`.
    func contains(_ text: String) -> Bool {
        state.withLock { $0.records.contains { $0.message.contains(text) } }
    }

    /// Drops uvicorn's warnings about the start-up probes (see `UvicornServer.answers(port:)`).
    func forgetProbes() {
        state.withLock { $0.records.removeAll { $0.message == "Invalid HTTP request received." } }
    }

    /// Waits (briefly) until the server has written nothing for a few milliseconds: the lines a
    /// server logs while it answers are in the pipe before the answer is on the socket, but are
    /// read on another thread.
    /// - Parameter thorough: At least a millisecond, for the reader thread to take what is in the
    ///   pipe (a failed call, whose error should carry the app's lines). Else the call waits only when
    ///   the server wrote something lately: a request to an app that logs nothing costs no sleep.
    func settle(thorough: Bool) async {
        let deadline = ContinuousClock.now + .milliseconds(25)
        if thorough {
            try? await Task.sleep(for: .milliseconds(1))
        } else {
            await Task.yield()
        }
        while ContinuousClock.now - state.withLock({ $0.lastWrite }) < .milliseconds(5), ContinuousClock.now < deadline
        {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Bytes read from `stream`.
    func append(_ bytes: [UInt8], stream: Int) {
        state.withLock { state in
            state.lastWrite = ContinuousClock.now
            var pending = state.partial[stream, default: []] + bytes
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                Self.add(String(decoding: pending[..<newline], as: UTF8.self), to: &state.records)
                pending.removeSubrange(...newline)
            }
            state.partial[stream] = pending
        }
    }

    private static func add(_ line: String, to records: inout [LogEntry]) {
        guard !line.isEmpty else { return }
        if let colon = line.firstIndex(of: ":"), levels.contains(String(line[..<colon])) {
            let message = line[line.index(after: colon)...].drop { $0 == " " }
            records.append(
                LogEntry(level: String(line[..<colon]), logger: "server", message: String(message), exception: nil)
            )
        } else if let last = records.indices.last, isTraceback(line, after: records[last].exception) {
            records[last].exception = (records[last].exception.map { $0 + "\n" } ?? "") + line
        } else {
            // A line of its own: a print, or a record of a logger uvicorn does not format.
            records.append(LogEntry(level: "INFO", logger: "server", message: line, exception: nil))
        }
    }

    /// Whether `line` goes on a traceback: its header, an indented frame, the text between chained
    /// exceptions, or the exception line right after the frames.
    private static func isTraceback(_ line: String, after previous: String?) -> Bool {
        if line.first == " " || line.first == "\t" || line.hasPrefix("Traceback") { return true }
        if line.hasPrefix("During handling") || line.hasPrefix("The above exception") { return true }
        guard let previous, let last = previous.split(separator: "\n").last else { return false }
        return last.first == " "
    }
}
#endif
