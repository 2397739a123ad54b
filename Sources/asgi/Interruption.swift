import Dispatch
import PyASGIBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C during a request: the first SIGINT cancels the call, which then ends as the command
/// decides (a stream stops cleanly); a second one ends the process at once, as a shell expects
/// when the app does not stop.
final class Interruption: Sendable {
    private let interrupted = Locked(false)

    /// Whether a SIGINT came while `run` was running.
    var happened: Bool { interrupted.withLock { $0 } }

    /// Runs `body`, cancelling it at the first SIGINT.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        // Ignored as a signal, seen as an event: the dispatch source gets it without a handler
        // running on some random thread.
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [interrupted] in
            let again = interrupted.withLock { seen in
                defer { seen = true }
                return seen
            }
            if again {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
            task.cancel()
        }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
