import PyASGIBridge

/// Every failure of the test client: what went wrong, in words a test report can show, with the
/// Python exception or the ASGI message that caused it when there is one.
///
/// ```swift
/// do {
///     _ = try await client.get("/boom")
/// } catch let error as TestClientError where error.code == .appException {
///     print(error.pythonException?.traceback ?? "")
/// }
/// ```
public struct TestClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case interpreterStart, invalidAppSpec, moduleNotFound, attributeNotFound, notCallable, importFailed
            case appException, protocolViolation, timeout, lifespanStartupFailed, lifespanShutdownFailed
            case invalidRequest, connectionClosed, tooManyRedirects, clientClosed
            case websocketRejected, websocketDenied, websocketClosed, unexpectedMessage
            case decodingFailed, unexpectedStatus
            case serverFailed, serverUnreachable
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Python could not start (no libpython, a venv made by another Python version, ...).
        public static let interpreterStart = Code(.interpreterStart)
        /// The app is not addressed as `module:attribute` or `module:factory()`.
        public static let invalidAppSpec = Code(.invalidAppSpec)
        /// The app's module cannot be found.
        public static let moduleNotFound = Code(.moduleNotFound)
        /// The module has no such attribute.
        public static let attributeNotFound = Code(.attributeNotFound)
        /// The attribute is not callable, so it is no ASGI app.
        public static let notCallable = Code(.notCallable)
        /// Importing the module (or calling the factory) raised.
        public static let importFailed = Code(.importFailed)
        /// The app raised; ``TestClientError/pythonException`` has the details.
        public static let appException = Code(.appException)
        /// The app broke the ASGI protocol where a server would refuse it.
        public static let protocolViolation = Code(.protocolViolation)
        /// Nothing came in time.
        public static let timeout = Code(.timeout)
        /// The app sent `lifespan.startup.failed`, or its lifespan failed in `on` mode.
        public static let lifespanStartupFailed = Code(.lifespanStartupFailed)
        /// The app sent `lifespan.shutdown.failed`.
        public static let lifespanShutdownFailed = Code(.lifespanShutdownFailed)
        /// The request itself is malformed (a header with CR/LF/NUL, a bad method or path).
        public static let invalidRequest = Code(.invalidRequest)
        /// The connection ended while something was still expected.
        public static let connectionClosed = Code(.connectionClosed)
        /// Redirects went on for longer than allowed.
        public static let tooManyRedirects = Code(.tooManyRedirects)
        /// The client was used after ``TestClient/close()``.
        public static let clientClosed = Code(.clientClosed)
        /// The app closed the websocket before accepting it (a server answers 403);
        /// ``TestClientError/closeCode`` and ``TestClientError/closeReason`` say how.
        public static let websocketRejected = Code(.websocketRejected)
        /// The app refused the websocket with an HTTP response (`websocket.http.response`);
        /// ``TestClientError/denialResponse`` holds it.
        public static let websocketDenied = Code(.websocketDenied)
        /// The websocket is closed (by the app, or it ended); ``TestClientError/closeCode`` says how.
        public static let websocketClosed = Code(.websocketClosed)
        /// A message of another kind than asked for came (text for bytes, ...).
        public static let unexpectedMessage = Code(.unexpectedMessage)
        /// ``TestResponse/json(_:decoder:)`` could not decode the body; ``TestClientError/response``
        /// holds the response and ``TestClientError/decodingError`` the reason.
        public static let decodingFailed = Code(.decodingFailed)
        /// ``TestResponse/require(_:)-(HTTPResponse.Status)`` found another status;
        /// ``TestClientError/response`` holds the response.
        public static let unexpectedStatus = Code(.unexpectedStatus)
        /// A live server (see `TestClientLive`) could not start, or stopped while a call used it;
        /// ``TestClientError/details`` holds what it wrote.
        public static let serverFailed = Code(.serverFailed)
        /// Nobody accepts connections at a live client's URL.
        public static let serverUnreachable = Code(.serverUnreachable)

        /// The code's name, such as `appException`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, in one or a few lines.
    public let message: String
    /// The Python exception behind the failure, if any.
    public let pythonException: PythonException?
    /// The ASGI message type that broke the protocol, if any.
    public let messageType: String?
    /// The state of the connection when the protocol broke, if any.
    public let protocolState: String?
    /// The request, as `METHOD /path`, when the failure belongs to one.
    public let request: String?
    /// The websocket close code, for a rejected or closed websocket.
    public let closeCode: Int?
    /// The websocket close reason, for a rejected or closed websocket.
    public let closeReason: String?
    /// The HTTP response an app denied a websocket with.
    public let denialResponse: TestResponse?
    /// What to act on, when one line of ``message`` is not enough: for
    /// ``TestClientError/Code/moduleNotFound``, the `sys.path` searched and how to extend it.
    public let details: String?
    /// Where the test made the failing call (`ServiceTests.swift:42`), when it is known.
    public internal(set) var location: String?
    /// What the app logged, printed or warned during the failing call.
    public internal(set) var logs: [AppLogRecord] = []
    /// The response the failure concerns (``Code/decodingFailed``, ``Code/unexpectedStatus``).
    public internal(set) var response: TestResponse?
    /// Why decoding failed, for ``Code/decodingFailed``.
    public internal(set) var decodingError: DecodingError?

    init(
        _ code: Code,
        _ message: String,
        pythonException: PythonException? = nil,
        messageType: String? = nil,
        protocolState: String? = nil,
        request: String? = nil,
        closeCode: Int? = nil,
        closeReason: String? = nil,
        denialResponse: TestResponse? = nil,
        details: String? = nil
    ) {
        self.code = code
        self.message = message
        self.pythonException = pythonException
        self.messageType = messageType
        self.protocolState = protocolState
        self.request = request
        self.closeCode = closeCode
        self.closeReason = closeReason
        self.denialResponse = denialResponse
        self.details = details
    }

    /// The code, the request, the message and the details; for an app exception the exception
    /// line, the app's own frames and a count of the framework frames left out (the whole traceback
    /// is in ``pythonException``); the response concerned; the call's last 20 log records.
    public var description: String {
        var text = "TestClientError.\(code)"
        switch (request, location) {
        case (let request?, let location?): text += " (\(request) (\(location)))"
        case (let request?, nil): text += " (\(request))"
        case (nil, let location?): text += " (\(location))"
        case (nil, nil): break
        }
        text += ": \(message)"
        if let details { text += "\n\(details)" }
        if let pythonException, !pythonException.traceback.isEmpty {
            if pythonException.appFrames.isEmpty {
                text += "\n\(pythonException.traceback)"
            } else {
                text += "\n\(pythonException.description)\n\(pythonException.appFrames)"
                text += "\n  (the whole traceback: error.pythonException.traceback)"
            }
        }
        if let response { text += "\n\n" + response.excerpt() }
        if !logs.isEmpty {
            let shown = logs.suffix(20)
            text +=
                "\n\nThe app's log of this call" + (shown.count < logs.count ? " (last 20 of \(logs.count))" : "") + ":"
            for record in shown {
                text +=
                    "\n"
                    + record.description.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "  " + $0 }.joined(separator: "\n")
            }
        }
        return text
    }

    func with(request: String) -> TestClientError {
        var labelled = TestClientError(
            code,
            message,
            pythonException: pythonException,
            messageType: messageType,
            protocolState: protocolState,
            request: request,
            closeCode: closeCode,
            closeReason: closeReason,
            denialResponse: denialResponse,
            details: details
        )
        labelled.logs = logs
        labelled.location = location
        labelled.response = response
        labelled.decodingError = decodingError
        return labelled
    }
}

extension PythonException {
    init(_ info: PythonExceptionInfo) {
        self.init(type: info.type, message: info.message, traceback: info.traceback, appFrames: info.appFrames)
    }
}

extension TestClientError {
    /// The public form of a bridge failure, with the call's records; cancellation stays
    /// `CancellationError`.
    static func from(_ error: any Error, request: String? = nil, logs: [LogEntry]) -> any Error {
        let converted = from(error, request: request)
        guard var failure = converted as? TestClientError, failure.logs.isEmpty, !logs.isEmpty else { return converted }
        failure.logs = logs.records
        return failure
    }

    /// The public form of a bridge failure; cancellation stays `CancellationError`.
    package static func from(_ error: any Error, request: String? = nil) -> any Error {
        if let error = error as? TestClientError, error.request == nil, let request {
            return error.with(request: request)
        }
        guard let failure = error as? BridgeFailure else { return error }
        let converted: TestClientError
        switch failure {
        case .interpreterStart(let message):
            converted = TestClientError(.interpreterStart, message)
        case .appLoad(let kind, let message, let exception):
            let code: Code =
                switch kind {
                case .invalidSpec: .invalidAppSpec
                case .moduleNotFound: .moduleNotFound
                case .attributeNotFound: .attributeNotFound
                case .notCallable: .notCallable
                case .importFailed: .importFailed
                }
            // For a missing module the glue puts what to act on after the first line; the message
            // stays one line.
            let lines =
                kind == .moduleNotFound || kind == .importFailed
                ? message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false) : [message[...]]
            converted = TestClientError(
                code,
                String(lines[0]),
                pythonException: exception.map(PythonException.init),
                details: lines.count > 1 ? String(lines[1]) : nil
            )
        case .appException(let info):
            converted = TestClientError(
                .appException,
                "The app raised \(info.type): \(info.message)",
                pythonException: PythonException(info)
            )
        case .protocolViolation(let message, let type, let state):
            converted = TestClientError(.protocolViolation, message, messageType: type, protocolState: state)
        case .timeout(let what, let seconds):
            converted = TestClientError(.timeout, "Timed out after \(seconds) s waiting for \(what).")
        case .cancelled:
            return CancellationError()
        case .lifespanFailed(let phase, let message):
            converted = TestClientError(
                phase == "startup" ? .lifespanStartupFailed : .lifespanShutdownFailed,
                "Lifespan \(phase) failed" + (message.isEmpty ? "." : ": \(message)")
            )
        case .connectionClosed(let reason):
            converted = TestClientError(.connectionClosed, reason)
        case .serverFailed(let message, let output):
            converted = TestClientError(.serverFailed, message, details: output.isEmpty ? nil : output)
        case .serverUnreachable(let message):
            converted = TestClientError(.serverUnreachable, message)
        }
        return request.map { converted.with(request: $0) } ?? converted
    }
}
