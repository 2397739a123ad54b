import PyASGIBridge

extension TestClient {
    /// Pulls one chunk each time the app waits in `receive()` with nothing queued.
    static func feed<Chunks: AsyncSequence & Sendable>(
        _ call: AppCall,
        from body: Chunks
    ) async where Chunks.Element == [UInt8] {
        do {
            var chunks = body.makeAsyncIterator()
            while await call.waitForDemand() {
                guard let chunk = try await chunks.next() else {
                    call.push(.httpRequest(body: [], moreBody: false))
                    return
                }
                call.push(.httpRequest(body: chunk, moreBody: true))
            }
        } catch {
            call.leave(failing: .connectionClosed(reason: "The request body sequence failed: \(error)"))
        }
    }
}
