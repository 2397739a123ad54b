import Synchronization

/// Fires deadlines without touching the loop thread, so a timeout is on time even when an app
/// blocks the loop (`time.sleep`). One sleeping task serves every deadline; scheduling a deadline
/// that is not the earliest costs a lock and an insert, no wake-up.
package final class Watchdog: Sendable {
    package static let shared = Watchdog()

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var id: UInt64
        var action: @Sendable () -> Void
    }

    private struct State {
        var entries: [Entry] = []  // sorted by deadline
        var nextID: UInt64 = 0
        var sleeper: Task<Void, Never>?
        var sleeperDeadline: ContinuousClock.Instant?
    }

    private let state = Locked(State())

    package func schedule(after duration: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let deadline = ContinuousClock.now + duration
        return state.withLock { state in
            state.nextID += 1
            let entry = Entry(deadline: deadline, id: state.nextID, action: action)
            var index = state.entries.endIndex
            while index > 0, state.entries[index - 1].deadline > deadline { index -= 1 }
            state.entries.insert(entry, at: index)
            if state.sleeperDeadline.map({ deadline < $0 }) ?? true {
                state.sleeper?.cancel()
                state.sleeperDeadline = deadline
                state.sleeper = Task.detached { [self] in await self.sleep(until: deadline) }
            }
            return entry.id
        }
    }

    package func cancel(_ id: UInt64) {
        state.withLock { state in
            if let index = state.entries.firstIndex(where: { $0.id == id }) {
                state.entries.remove(at: index)
            }
        }
    }

    private func sleep(until deadline: ContinuousClock.Instant) async {
        var deadline = deadline
        while true {
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return  // replaced by a sleeper with an earlier deadline
            }
            let (due, next): ([Entry], ContinuousClock.Instant?) = state.withLock { state in
                let now = ContinuousClock.now
                let count = state.entries.prefix { $0.deadline <= now }.count
                let due = Array(state.entries.prefix(count))
                state.entries.removeFirst(count)
                let next = state.entries.first?.deadline
                state.sleeperDeadline = next
                if next == nil { state.sleeper = nil }
                return (due, next)
            }
            for entry in due { entry.action() }
            guard let next else { return }
            deadline = next
        }
    }
}
