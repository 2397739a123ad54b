/// How one app call runs, besides its scope and first inbound messages.
package struct AppCallOptions: Sendable {
    /// Buffered (a plain HTTP request) or streaming (a streamed response, a websocket, lifespan).
    package var mode: AppCall.Mode
    /// Whether an app exception before the response starts fails the call (true) or becomes the
    /// 500 response a server sends (false). HTTP only.
    package var raiseAppExceptions: Bool
    /// Whether uppercase response header names break the protocol (else they are lowercased).
    package var requireLowercaseHeaderNames: Bool

    package init(mode: AppCall.Mode, raiseAppExceptions: Bool = true, requireLowercaseHeaderNames: Bool = false) {
        self.mode = mode
        self.raiseAppExceptions = raiseAppExceptions
        self.requireLowercaseHeaderNames = requireLowercaseHeaderNames
    }
}
