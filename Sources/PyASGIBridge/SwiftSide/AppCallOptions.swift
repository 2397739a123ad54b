/// How one app call runs, besides its scope and first inbound messages.
package struct AppCallOptions: Sendable {
    /// Buffered (a plain HTTP request) or streaming (a streamed response, a websocket, lifespan).
    package var mode: AppCall.Mode
    /// Whether an app exception before the response starts fails the call (true) or becomes the
    /// 500 response a server sends (false). HTTP only.
    package var raiseAppExceptions: Bool
    /// Whether uppercase response header names break the protocol (else they are lowercased).
    package var requireLowercaseHeaderNames: Bool
    /// Records below this Python level (10 DEBUG … 50 CRITICAL) are not captured; nil keeps what
    /// the app's loggers let through.
    package var logLevel: Int? = nil
    /// What the app logs during the call is echoed to stderr after this prefix (the test, or the
    /// call); nil: not echoed.
    package var echoPrefix: (@Sendable () -> String)? = nil
    /// Also receives every record of the call (the client's records).
    package var clientLogs: LogSink? = nil
    /// Where the call's time goes (`ASGI_BRIDGE_ACCOUNT=1`); nil: not accounted.
    package var account: CallAccount? = nil

    package init(mode: AppCall.Mode, raiseAppExceptions: Bool = true, requireLowercaseHeaderNames: Bool = false) {
        self.mode = mode
        self.raiseAppExceptions = raiseAppExceptions
        self.requireLowercaseHeaderNames = requireLowercaseHeaderNames
    }
}
