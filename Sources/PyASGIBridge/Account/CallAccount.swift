#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one request's microseconds go, for the benchmark's account (`scripts/bench --account`):
/// moments along the call's path, stamped by whichever thread is there, folded into
/// ``AccountTotals`` when the call ends. Off unless `ASGI_BRIDGE_ACCOUNT=1` is set when the process
/// starts: then no call has an account, and the request path only checks a nil.
package final class CallAccount: Sendable {
    /// Whether calls are accounted: read once, from `ASGI_BRIDGE_ACCOUNT`.
    package static let isEnabled = Environment.value("ASGI_BRIDGE_ACCOUNT") == "1"

    /// The moments stamped along a call's path, in order.
    package enum Mark: Int, CaseIterable, Sendable {
        /// The client starts the call (its scope is not built yet).
        case requested
        /// The call is queued for the loop thread.
        case submitted
        /// The loop thread starts opening the call.
        case opened
        /// The loop thread has built the scope.
        case scopeBuilt
        /// The app's coroutine is made; its task is created next (and from Python 3.12, eagerly
        /// started: its first step runs inside the creation).
        case taskCreated
        /// The task runs its first step.
        case appStarted
        /// The app's coroutine has returned (or raised).
        case appEnded
        /// The outcome is handed over to the Swift side.
        case handedOver
        /// The Swift task starts waiting for the response.
        case waiting
        /// The Swift task stops spinning (it has the response, or it parks).
        case spinEnded
        /// The Swift task has the response.
        case resumed
        /// The response value is built.
        case built
        /// The call is over for the client.
        case done
    }

    private struct Marks {
        var nanoseconds = [Int64](repeating: 0, count: Mark.allCases.count)
        var parsing: Int64 = 0
        var messages: Int64 = 0
        var parked = false
    }

    // The marks of one call come from two threads, one at a time; the lock orders them.
    private let marks = Locked(Marks())

    /// An account for a new call; nil when accounting is off.
    package static func start() -> CallAccount? {
        guard isEnabled else { return nil }
        let account = CallAccount()
        account.mark(.requested)
        return account
    }

    /// Now, in nanoseconds of the monotonic clock.
    package static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    package func mark(_ mark: Mark) {
        let now = Self.now()
        marks.withLock { $0.nanoseconds[mark.rawValue] = now }
    }

    /// Time spent parsing what the app sent (``MessageParser``), since `start`.
    func parsed(since start: Int64) {
        let now = Self.now()
        marks.withLock { $0.parsing += now - start }
    }

    /// Time spent building what `receive()` returns, since `start`.
    func builtMessage(since start: Int64) {
        let now = Self.now()
        marks.withLock { $0.messages += now - start }
    }

    /// The Swift task parked for the response instead of taking it while spinning.
    func parked() {
        marks.withLock { $0.parked = true }
    }

    /// The call is over: adds it to the process's totals.
    package func finish() {
        mark(.done)
        let marks = marks.withLock { $0 }
        AccountTotals.shared.withLock {
            $0.add(marks.nanoseconds, parsing: marks.parsing, messages: marks.messages, parked: marks.parked)
        }
    }
}

/// The sums over the accounted calls since the last ``take()``.
package struct AccountTotals: Sendable {
    /// Nanoseconds from each call's ``CallAccount/Mark/requested`` to each mark, summed, by the mark's
    /// raw value. The marks of the two threads interleave (the Swift task starts waiting while the
    /// loop opens the call), so a span is the difference of two marks' offsets.
    package var offsets = [Int64](repeating: 0, count: CallAccount.Mark.allCases.count)
    package var parsing: Int64 = 0
    package var messages: Int64 = 0
    package var calls = 0
    package var parked = 0
    /// Calls whose marks were not all stamped (a failure, a streaming call): left out of the offsets.
    package var incomplete = 0
    /// Times a submit had to wake the loop thread from its selector.
    package var loopWakes = 0
    /// Nanoseconds the loop thread ran from handing an outcome over until it waited again.
    package var loopTail: Int64 = 0

    static let shared = Locked(AccountTotals())

    mutating func add(_ marks: [Int64], parsing: Int64, messages: Int64, parked: Bool) {
        guard !marks.contains(0) else {
            incomplete += 1
            return
        }
        for index in offsets.indices { offsets[index] += marks[index] - marks[0] }
        self.parsing += parsing
        self.messages += messages
        calls += 1
        if parked { self.parked += 1 }
    }

    /// The totals so far; starts them over.
    package static func take() -> AccountTotals {
        shared.withLock { totals in
            defer { totals = AccountTotals() }
            return totals
        }
    }

    static func loopWoken() {
        shared.withLock { $0.loopWakes += 1 }
    }

    static func loopRan(_ nanoseconds: Int64) {
        shared.withLock { $0.loopTail += nanoseconds }
    }
}
