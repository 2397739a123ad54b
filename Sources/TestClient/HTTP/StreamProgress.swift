import PyASGIBridge

/// Where a streamed response is: whether its body (and trailers) are complete.
final class StreamProgress: Sendable {
    private struct State {
        var bodyDone = false
        var expectTrailers = false
        var trailersDone = false
        var appEnded = false
        var trailers: [HeaderField] = []
    }
    private let state: Locked<State>

    init(expectTrailers: Bool) {
        state = Locked(State(expectTrailers: expectTrailers))
    }

    var isComplete: Bool {
        state.withLock { $0.appEnded || ($0.bodyDone && (!$0.expectTrailers || $0.trailersDone)) }
    }
    var trailers: [HeaderField] { state.withLock { $0.trailers } }

    func bodyComplete() { state.withLock { $0.bodyDone = true } }
    func appEnded() { state.withLock { $0.appEnded = true } }
    func addTrailers(_ headers: [HeaderField], complete: Bool) {
        state.withLock {
            $0.trailers += headers
            if complete { $0.trailersDone = true }
        }
    }
}
