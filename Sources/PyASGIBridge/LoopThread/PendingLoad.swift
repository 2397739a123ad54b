internal import CPython

/// An app import running on a helper thread: replies once, when the loop thread registers the app.
final class PendingLoad {
    unowned let context: LoopContext
    let reply: @Sendable (Result<LoadedAppID, BridgeFailure>) -> Void

    init(context: LoopContext, reply: @escaping @Sendable (Result<LoadedAppID, BridgeFailure>) -> Void) {
        self.context = context
        self.reply = reply
    }

    func capsule() -> PyPointer? {
        // Retained: the capsule owns one reference, released by its destructor
        // (``Callbacks/releasePendingLoad``) when Python drops the `done` function.
        PyCapsule_New(Unmanaged.passRetained(self).toOpaque(), nil, Callbacks.releasePendingLoad)
    }

    func done(_ outcome: PyPointer) {
        reply(context.appLoaded(outcome))
    }
}
