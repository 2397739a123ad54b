/// What can go wrong inside the bridge. `TestClient` turns it into its public error.
package enum BridgeFailure: Error, Sendable, Equatable {
    package enum AppLoadKind: String, Sendable {
        case invalidSpec = "invalid_spec"
        case moduleNotFound = "module_not_found"
        case attributeNotFound = "attribute_not_found"
        case notCallable = "not_callable"
        case importFailed = "import_failed"
    }

    /// The interpreter could not start (wrong venv, missing library, ...).
    case interpreterStart(String)
    case appLoad(AppLoadKind, message: String, exception: PythonExceptionInfo?)
    /// The app raised.
    case appException(PythonExceptionInfo)
    /// The app broke the ASGI protocol; `message` is a server's wording.
    case protocolViolation(message: String, messageType: String?, state: String)
    /// Nothing came in time; `waitingFor` says what was awaited.
    case timeout(waitingFor: String, seconds: Double)
    case cancelled
    /// Lifespan `startup.failed` / `shutdown.failed`, with the app's message.
    case lifespanFailed(phase: String, message: String)
    /// The connection is over; `reason` says why.
    case connectionClosed(reason: String)
    /// A live server could not start, or stopped while it was used; `output` is what it wrote.
    case serverFailed(message: String, output: String)
    /// Nobody accepts connections at a live client's URL.
    case serverUnreachable(message: String)
}
