import PyASGIBridge

/// One thing the app logged, printed or warned while it handled a call, as pytest's `caplog` and
/// `capsys` see it: a Python `logging` record, a line written to `sys.stdout` or `sys.stderr`, or a
/// `warnings` warning.
///
/// ```swift
/// let response = try await client.post("/login", form: [("user", "ana"), ("pw", "wrong")])
/// #expect(response.logs.contains { $0.level == "WARNING" && $0.message == "failed login for ana" })
/// ```
public struct AppLogRecord: Sendable, Equatable, CustomStringConvertible {
    /// Python's level name (`"DEBUG"`, `"INFO"`, `"WARNING"`, `"ERROR"`, `"CRITICAL"`); `"STDOUT"`
    /// or `"STDERR"` for a printed line, `"WARNING"` for a `warnings` warning.
    public let level: String
    /// The logger's name (`"svc.auth"`); `"py.warnings"` for a warning, empty for a printed line.
    public let logger: String
    /// The message, formatted with its arguments; a printed line without its newline.
    public let message: String
    /// The formatted traceback of the record's `exc_info` (`logger.exception(...)`), if any.
    public let exception: String?
    let sequence: Int

    init(_ entry: LogEntry) {
        self.level = entry.level
        self.logger = entry.logger
        self.message = entry.message
        self.exception = entry.exception
        self.sequence = entry.sequence
    }

    /// `WARNING svc.auth: failed login for ana`, then the traceback if there is one.
    public var description: String {
        LogEntry(level: level, logger: logger, message: message, exception: exception, sequence: sequence).line
    }

    public static func == (lhs: AppLogRecord, rhs: AppLogRecord) -> Bool {
        lhs.level == rhs.level && lhs.logger == rhs.logger && lhs.message == rhs.message
            && lhs.exception == rhs.exception
    }
}

/// The lowest level of Python `logging` records a client captures; see
/// ``TestClientConfiguration/logLevel``.
public struct AppLogLevel: Sendable, Hashable, Comparable {
    /// The Python level number (`logging.DEBUG` is 10).
    public let value: Int

    /// A level by its Python number.
    public init(_ value: Int) { self.value = value }

    /// `logging.DEBUG`.
    public static let debug = AppLogLevel(10)
    /// `logging.INFO`.
    public static let info = AppLogLevel(20)
    /// `logging.WARNING`, Python's default.
    public static let warning = AppLogLevel(30)
    /// `logging.ERROR`.
    public static let error = AppLogLevel(40)
    /// `logging.CRITICAL`.
    public static let critical = AppLogLevel(50)

    public static func < (lhs: AppLogLevel, rhs: AppLogLevel) -> Bool { lhs.value < rhs.value }
}

extension [LogEntry] {
    var records: [AppLogRecord] { map(AppLogRecord.init) }
}
