import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded busy-wait before parking a thread. A blocking hand-off between two threads costs
/// 15–50 µs here; a spinning one 1–3 µs. Only one spinner at a time on each side, so spinning never
/// takes a core that other waiters or the app need (2 cores: the loop thread and one Swift thread).
enum Spin {
    /// How long a Swift task spins for its result before it suspends. Parking and waking a task
    /// costs 50–80 µs here, more than most requests take, so the budget covers a slow framework's
    /// request (Quart: ~110 µs). After the first 20 µs the spinner yields its core between checks,
    /// so executor threads the app starts are not starved. Measured with scripts/bench: a longer
    /// budget (1–3 ms) or yielding from the start slows the loop thread (the two vCPUs here share
    /// a core), a shorter one pays the wake-up on every FastAPI request.
    static let swiftBudget: Duration = .microseconds(Environment.value("ASGI_BRIDGE_SPIN_US").flatMap(Int.init) ?? 300)

    private static let spinners = Atomic<Int>(0)
    private static let politeness: Duration = .microseconds(
        Environment.value("ASGI_BRIDGE_SPIN_POLITE_US").flatMap(Int.init) ?? 20
    )

    /// Spins until `condition` holds or the budget is spent; true if it holds.
    static func wait(for budget: Duration = swiftBudget, until condition: () -> Bool) -> Bool {
        if condition() { return true }
        guard budget > .zero, spinners.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged else {
            return false
        }
        defer { spinners.store(0, ordering: .releasing) }
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        let politeAfter = clock.now + politeness
        while true {
            for _ in 0..<64 where condition() { return true }
            let now = clock.now
            if now >= deadline { return condition() }
            if now >= politeAfter { sched_yield() }
        }
    }
}
