public import HTTPTypes
import PyASGIBridge

/// A response whose head has arrived and whose body is read as it comes, from
/// ``TestClient/stream(_:method:query:headers:body:timeout:isolation:fileID:line:_:)-(_,_,_,_,[UInt8]?,_,_,_,_,_)``.
///
/// ```swift
/// try await client.stream("/events") { streamed in
///     #expect(streamed.status == .ok)
///     for try await chunk in streamed.body { ... }
/// }
/// ```
public struct StreamedResponse: Sendable {
    /// The status from `http.response.start`.
    public let status: HTTPResponse.Status
    /// The headers from `http.response.start`.
    public let headers: HTTPFields
    /// The headers exactly as sent: bytes, in order, duplicates kept.
    public let rawHeaders: [(name: [UInt8], value: [UInt8])]
    /// The body, chunk by chunk, as the app sends it. It ends when the response is complete, and
    /// throws if the app fails mid-stream.
    public let body: Body
    let progress: StreamProgress

    /// What the app logged, printed or warned while it handled this request, so far.
    public var logs: [AppLogRecord] { body.call.logs.records }

    /// Trailers (`http.response.trailers`), once the body has been read to its end.
    public var trailers: HTTPFields {
        HTTPFields(progress.trailers)
    }

    /// The body chunks, an `AsyncSequence` of `[UInt8]`.
    public struct Body: AsyncSequence, Sendable {
        /// Each element is one message (websocket) or one body chunk (stream).
        public typealias Element = [UInt8]
        let call: any ConnectionCall
        let timeout: Duration
        let progress: StreamProgress
        /// The request, as errors name it.
        let label: String

        /// Iterates the sequence; each `next()` waits (with the timeout) for the next element.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let body: Body

            /// The next element, or nil at the end.

            public mutating func next() async throws -> [UInt8]? {
                try await body.nextChunk()
            }
        }

        /// An iterator over the elements.

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }

        func nextChunk() async throws -> [UInt8]? {
            while !progress.isComplete {
                let event: OutboundEvent?
                do {
                    event = try await call.nextEvent(timeout: timeout, waitingFor: "the next body chunk")
                } catch {
                    throw TestClientError.from(error, request: label)
                }
                switch event {
                case .responseBody(let chunk, let more)?:
                    if !more { progress.bodyComplete() }
                    if !chunk.isEmpty { return chunk }
                case .responseTrailers(let headers, let more)?:
                    progress.addTrailers(headers, complete: !more)
                case nil:
                    progress.appEnded()
                case .some:
                    continue
                }
            }
            return nil
        }
    }
}
