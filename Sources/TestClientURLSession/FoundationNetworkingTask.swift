#if !canImport(Darwin)
import FoundationNetworking

/// What FoundationNetworking does with the data a `URLProtocol` reports, which it does not say.
///
/// For a task with a completion handler (which `data(for:)` uses) it keeps only the last piece
/// given to `urlProtocol(_:didLoad:)` (swift-corelibs-foundation in Swift 6.3), so a body must be
/// reported in one piece. A task driven by a session's `URLSessionDataDelegate` gets every piece,
/// so a body can stream to it. Nothing public tells the two apart; the session's task registry
/// does. Read it only from `startLoading()`, which FoundationNetworking calls on the session's work
/// queue, the one queue that changes the registry. When anything here is not as expected, the
/// answer is false: the body is then reported whole, which is right for every task.
enum FoundationNetworkingTask {
    static func deliversChunksToDelegate(_ task: URLSessionTask?) -> Bool {
        guard let task,
            let session = child(task, "session").flatMap(unwrapped) as? URLSession,
            session.delegate is any URLSessionDataDelegate,
            let registry = child(session, "taskRegistry"),
            let behaviours = child(registry, "behaviours")
        else { return false }
        for entry in Mirror(reflecting: behaviours).children {
            let pair = Mirror(reflecting: entry.value).children.map(\.value)
            guard pair.count == 2, pair[0] as? Int == task.taskIdentifier else { continue }
            return String(describing: pair[1]) == "callDelegate"
        }
        return false
    }

    /// The stored property `label` of `value` or of one of its superclasses.
    private static func child(_ value: Any, _ label: String) -> Any? {
        var mirror: Mirror? = Mirror(reflecting: value)
        while let current = mirror {
            if let found = current.children.first(where: { $0.label == label }) { return found.value }
            mirror = current.superclassMirror
        }
        return nil
    }

    /// The value inside any number of optionals, or nil.
    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.flatMap { unwrapped($0.value) }
    }
}
#endif
