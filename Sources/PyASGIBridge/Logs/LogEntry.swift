import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thing the app logged, printed or warned while it handled a call: a Python `logging` record
/// (level name, logger name, the message formatted with its arguments, the formatted traceback of
/// its `exc_info`), a line written to `sys.stdout`/`sys.stderr` (level `STDOUT`/`STDERR`), or a
/// `warnings` warning (logger `py.warnings`).
package struct LogEntry: Sendable, Equatable {
    package var level: String
    package var logger: String
    package var message: String
    package var exception: String?
    /// Process-wide order of capture: records of several calls merge in the order they were made.
    package var sequence: Int

    private static let counter = Atomic<Int>(0)

    package init(level: String, logger: String, message: String, exception: String?, sequence: Int? = nil) {
        self.level = level
        self.logger = logger
        self.message = message
        self.exception = exception
        self.sequence = sequence ?? Self.counter.add(1, ordering: .relaxed).newValue
    }

    /// `WARNING svc.auth: failed login for ana`, then the traceback if there is one.
    package var line: String {
        let head = logger.isEmpty ? "\(level): \(message)" : "\(level) \(logger): \(message)"
        guard let exception, !exception.isEmpty else { return head }
        return head + "\n" + exception.trimmingSuffix("\n")
    }
}

/// Where a call's (or a client's) records go: kept in order, and echoed to stderr with a prefix
/// naming the test or call they belong to. Appended to from whichever thread the app logs on
/// (holding the GIL); read from Swift.
package final class LogSink: Sendable {
    private let entries = Locked<[LogEntry]>([])
    /// Also receives every entry (a client's sink gathers its calls').
    private let parent: LogSink?

    package init(parent: LogSink? = nil) {
        self.parent = parent
    }

    package func append(_ entry: LogEntry) {
        entries.withLock { $0.append(entry) }
        parent?.append(entry)
    }

    /// The records so far, in the order they were made.
    package var records: [LogEntry] {
        entries.withLock { $0 }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> Substring {
        var text = Substring(self)
        while text.last == suffix { text = text.dropLast() }
        return text
    }
}

/// Writes captured records to stderr with the test or call they belong to in front, so that the
/// output of parallel tests can be told apart.
package enum LogEcho {
    package static func echo(_ entry: LogEntry, prefix: String) {
        var text = entry.line.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "[\(prefix)] \($0)\n" }.joined()
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
