import PyASGIBridge

extension TestClient {
    /// Closes the client as a server shuts down gracefully: new calls fail with
    /// ``TestClientError/Code/clientClosed``; running requests, streams and websockets may finish
    /// within the client's ``TestClientConfiguration/timeout``, after which they are disconnected and
    /// cancelled; then the client leaves its app's lifespan, running shutdown if it was the last
    /// client of that app object.
    ///
    /// Concurrent calls all wait for the same outcome; once closed, closing again does nothing. Called
    /// from inside a ``stream(_:method:query:headers:body:timeout:isolation:fileID:line:_:)-(_,_,_,_,[UInt8]?,_,_,_,_,_)`` or
    /// ``websocket(_:query:subprotocols:headers:timeout:isolation:fileID:line:_:)`` closure of this client, it
    /// ends that call first (as leaving the closure would), then waits for the others.
    /// - Throws: ``TestClientError`` when lifespan shutdown fails or times out (thrown by the
    ///   `close()` that ran it: under parallel tests, that of whichever client closed last).
    public func close() async throws {
        switch calls.beginClose() {
        case .done:
            return
        case .wait:
            try await calls.closeOutcome().get()
        case .run:
            let outcome: Result<Void, any Error>
            do {
                try await closeNow()
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            calls.finishClose(outcome)
            try outcome.get()
        }
    }

    private func closeNow() async throws {
        let running = calls.running
        if let current = CurrentAppCall.value, current.client == ObjectIdentifier(self) {
            calls.exclude(current.call)
            current.call.leave()
        }
        let stragglers = await calls.drain(timeout: configuration.timeout)
        if !stragglers.isEmpty {
            for call in stragglers {
                call.leave(failing: .connectionClosed(reason: "The client was closed before the call finished."))
            }
            _ = await calls.drain(timeout: configuration.timeout)
        }
        // A call can be over for the client (left, disconnected, timed out) while the app's task
        // for it still runs: as a server, run shutdown only once those tasks have ended too.
        let deadline = ContinuousClock.now + configuration.timeout
        for call in running {
            await call.waitForAppTask(timeout: max(.zero, deadline - ContinuousClock.now))
        }
        guard case .inProcess(let runtime, let loadedApp) = backend else {
            if case .live(let server) = backend {
                do {
                    try await server.close()
                } catch {
                    throw TestClientError.from(error, request: "server shutdown")
                }
            }
            return
        }
        defer { runtime.releaseApp(loadedApp) }
        guard configuration.lifespan != .off else { return }
        do {
            try await AppLifecycles.shared.leave(loadedApp)
        } catch {
            throw TestClientError.from(error, request: "lifespan shutdown")
        }
    }
}

/// The stream or websocket call whose closure is running in this task, so that `close()` called
/// from inside it does not wait for it.
enum CurrentAppCall {
    struct Value: Sendable {
        let client: ObjectIdentifier
        let call: any ConnectionCall
    }

    @TaskLocal static var value: Value?
}
