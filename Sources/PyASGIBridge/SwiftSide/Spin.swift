internal import CPython
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded busy-wait before parking a thread. A blocking hand-off between two threads costs
/// 15–50 µs here; a spinning one 1–3 µs. Only one spinner at a time on each side, so spinning never
/// takes a core that other waiters or the app need (2 cores: the loop thread and one Swift thread).
///
/// The wait backs off with the CPU's spin hint (PAUSE) between checks, up to 8 hints apart (about
/// 0.15 µs), reads the clock only every 16 checks, and lets another thread in (`sched_yield`) once
/// every 20 µs rather than on every check: a storm of system calls and clock reads costs the core
/// (and, on a VM, its sibling) more than the wait it shortens.
enum Spin {
    /// How long a Swift task spins for its result at most before it suspends. Parking and waking a
    /// task costs 50–80 µs here, more than most requests take, so the budget covers a slow
    /// framework's request (Quart: ~110 µs). Measured with scripts/bench: a longer budget (1–3 ms)
    /// slows the loop thread, a shorter one pays the wake-up on every FastAPI request. (A budget
    /// fitted to a client's recent call times made 64 requests in flight park: queued behind each
    /// other, their calls look slow.)
    static let swiftBudget: Duration = .microseconds(Environment.value("ASGI_BRIDGE_SPIN_US").flatMap(Int.init) ?? 300)

    /// Whose spinner: at most one spins at a time on each side.
    enum Side {
        case swift
        case loop
    }

    private static let swiftSpinners = Atomic<Int>(0)
    private static let loopSpinners = Atomic<Int>(0)
    /// How often a spinner lets another runnable thread (an executor thread the app started) in.
    private static let politeness: Duration = .microseconds(
        Environment.value("ASGI_BRIDGE_SPIN_POLITE_US").flatMap(Int.init) ?? 20
    )

    private static func claim(_ side: Side) -> Bool {
        switch side {
        case .swift: swiftSpinners.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged
        case .loop: loopSpinners.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged
        }
    }

    private static func release(_ side: Side) {
        switch side {
        case .swift: swiftSpinners.store(0, ordering: .releasing)
        case .loop: loopSpinners.store(0, ordering: .releasing)
        }
    }

    /// Spins until `condition` holds, `giveUp` holds, or the budget is spent; true if `condition` holds.
    static func wait(
        for budget: Duration = swiftBudget,
        side: Side = .swift,
        until condition: () -> Bool,
        giveUp: () -> Bool = { false }
    ) -> Bool {
        if condition() { return true }
        guard budget > .zero, claim(side) else { return false }
        defer { release(side) }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + budget
        var nextYield = start + politeness
        var hints = 1
        while true {
            for _ in 0..<16 {
                if condition() { return true }
                for _ in 0..<hints { shim_cpu_relax() }
                if hints < 8 { hints &<<= 1 }
            }
            if giveUp() { return condition() }
            let now = clock.now
            if now >= deadline { return condition() }
            if now >= nextYield {
                sched_yield()
                nextYield = now + politeness
            }
        }
    }
}
