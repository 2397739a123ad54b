import Dispatch
import PyASGIBridge

/// A task executor that runs its jobs on a serial queue of its own and can tell when it has none
/// queued or running. Tasks that prefer it and have all started are then each suspended at an
/// `await`: a test learns, without sleeping, that every one of them has got as far as the first
/// suspension point of what it called.
final class QuiescentExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "QuiescentExecutor")
    /// Jobs enqueued and not yet finished running.
    private let pending = Locked(0)

    var isIdle: Bool { pending.withLock { $0 == 0 } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pending.withLock { $0 += 1 }
        queue.async {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
            self.pending.withLock { $0 -= 1 }
        }
    }
}
