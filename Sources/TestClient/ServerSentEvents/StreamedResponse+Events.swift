extension StreamedResponse {
    /// The body as server-sent events, parsed as they arrive (see ``ServerSentEventParser``).
    /// Read either ``body`` or `events`, once. Leaving the `stream` closure before the app ends the
    /// response disconnects the app, as with ``body``.
    ///
    /// ```swift
    /// try await client.stream("/events") { streamed in
    ///     for try await event in streamed.events {
    ///         if event.event == "done" { break }
    ///     }
    /// }
    /// ```
    public var events: Events { Events(body: body) }

    /// Server-sent events, an `AsyncSequence` of ``ServerSentEvent``.
    public struct Events: AsyncSequence, Sendable {
        /// Each element is one dispatched event.
        public typealias Element = ServerSentEvent
        let body: Body

        /// Iterates the events; each `next()` reads body chunks (each with the stream's timeout)
        /// until a block ends.
        public struct AsyncIterator: AsyncIteratorProtocol {
            var chunks: Body.AsyncIterator
            var parser = ServerSentEventParser()
            /// Events parsed but not yet returned, last first.
            var pending: [ServerSentEvent] = []

            /// The next event, or nil when the body has ended.
            public mutating func next() async throws -> ServerSentEvent? {
                while pending.isEmpty {
                    guard let chunk = try await chunks.next() else { return nil }
                    pending = parser.parse(chunk).reversed()
                }
                return pending.removeLast()
            }
        }

        /// An iterator over the events.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(chunks: body.makeAsyncIterator())
        }
    }
}
