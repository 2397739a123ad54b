/// The Swift half of one ASGI connection, as the client drives it: what `TestClient` builds every
/// request, stream and websocket on. ``AppCall`` is the in-process one (the app runs on the embedded
/// interpreter); live mode supplies one that speaks to a real server over a socket.
///
/// The contract is ``AppCall``'s: `push` queues what the app's `receive()` gets, `waitForDemand`
/// says when the app (or the socket) wants the next request-body chunk, the outcome comes whole
/// (`response`, buffered calls) or message by message (`nextEvent`, streaming calls), and `leave`
/// ends the connection for the client.
package protocol ConnectionCall: AnyObject, Sendable {
    /// The scope the connection was opened with.
    var scope: ConnectionScope { get }
    /// How the connection runs.
    var options: AppCallOptions { get }
    /// Whether the call is over for the Swift side.
    var isOver: Bool { get }
    /// What the app (or the server) logged during the call so far.
    var logs: [LogEntry] { get }
    /// Queues a message for the app.
    func push(_ event: InboundEvent)
    /// Waits until the next request-body chunk is wanted; false once the call is over.
    func waitForDemand() async -> Bool
    /// The client leaves; with a `failure`, every wait fails with it.
    func leave(failing failure: BridgeFailure?)
    /// Waits, at most `timeout`, until the app's side of the call has ended.
    func waitForAppTask(timeout: Duration) async
    /// The whole response of a buffered call.
    func response(timeout: Duration?) async throws -> BufferedResponse
    /// The next message of a streaming call; nil once the call has ended cleanly.
    func nextEvent(timeout: Duration?, waitingFor: String) async throws -> OutboundEvent?
}

extension ConnectionCall {
    /// The client leaves without a failure: waits go on to the end of the call.
    package func leave() { leave(failing: nil) }
}

extension AppCall: ConnectionCall {}
