/// One event of a `text/event-stream` response, as the WHATWG HTML standard's event stream
/// interpretation dispatches it (what a browser's `EventSource` and httpx-sse give).
///
/// ```swift
/// try await client.stream("/events") { streamed in
///     for try await event in streamed.events where event.event == "token" {
///         print(event.data)
///     }
/// }
/// ```
public struct ServerSentEvent: Sendable, Hashable {
    /// The event's name: the block's `event` field, or "message" when it names none.
    public var event: String
    /// The block's `data` lines, joined with "\n".
    public var data: String
    /// The last event ID in effect: the block's `id`, or an earlier block's, which later events keep
    /// until another `id` changes it; nil when none was sent, or an empty `id` reset it.
    public var id: String?
    /// The reconnection time in milliseconds, when the block set one (`retry`, ASCII digits only).
    public var retry: Int?

    /// Creates an event.
    /// - Parameters:
    ///   - event: The name.
    ///   - data: The data.
    ///   - id: The last event ID in effect.
    ///   - retry: The reconnection time in milliseconds.
    public init(event: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}
