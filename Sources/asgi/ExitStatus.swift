import HTTPTypes

/// The exit codes, httpie's where it has one; the table is shown by `--help` and the README.
enum ExitStatus {
    static let success: Int32 = 0
    static let failedRequest: Int32 = 2
    /// `EX_USAGE`, what ArgumentParser exits with for a bad option or a `ValidationError`.
    static let usage: Int32 = 64
    /// 128 + SIGINT, what a shell reports for a command that Ctrl-C ended.
    static let interrupted: Int32 = 130

    /// Kept under 80 columns: ArgumentParser wraps longer lines of the discussion.
    static let table = """
        Exit codes:
          0   a response came, whatever its status (without --check-status);
              a streamed body ended by the app, by Ctrl-C or by --timeout;
              --ws: the app closed with 1000 or 1001, or input ended
          2   the request failed: import error, timeout, protocol violation,
              app exception; --ws: the app rejected the websocket, or closed
              it with another code or without one
          3   --check-status and a 3xx response (a redirect not followed)
          4   --check-status and a 4xx response
          5   --check-status and a 5xx response
          64  a usage error: an unknown option, a bad value, two bodies
          130 Ctrl-C before a response (other than a stream) was complete
        """

    /// `--check-status`: 3, 4 or 5 for a 3xx, 4xx or 5xx status, as httpie.
    static func forStatus(_ status: HTTPResponse.Status) -> Int32? {
        switch status.code {
        case 300..<400: 3
        case 400..<500: 4
        case 500..<600: 5
        default: nil
        }
    }

    /// RFC 6455 §7.4.1 names 1000 (normal) and 1001 (going away) as the closures that are no
    /// error; any other code, or an app that returns without closing (1006), fails the command.
    static func forWebSocket(_ outcome: WebSocketRelay.Outcome, reporter: FailureReporter) -> Int32 {
        switch outcome {
        case .closedByClient:
            return success
        case .closedByApp(let code, _) where code == 1000 || code == 1001:
            return success
        case .closedByApp(let code, let reason):
            let message =
                code == 1006
                ? "The app returned without closing the websocket (1006)."
                : "The app closed the websocket with code \(code)" + (reason.isEmpty ? "." : ": \(reason)")
            reporter.fail("websocketClosed", message)
            return failedRequest
        }
    }
}
