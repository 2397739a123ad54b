extension PythonRuntime {
    /// Imports `spec` (`module:attr` or `module:factory()`) on a helper thread, so that the loop
    /// goes on serving other apps meanwhile, and registers the app object on the loop thread. An
    /// app object loaded before (and not yet released) gets the same id: its clients share it.
    ///
    /// An import cannot be interrupted: when `timeout` passes or the task is cancelled, this stops
    /// waiting at once (with `.timeout` or `.cancelled`), and the app, when its import finishes
    /// later, is released again, so nothing is left registered.
    package func loadApp(_ spec: String, timeout: Duration?) async throws -> LoadedAppID {
        let wait = OneShot<LoadedAppID>()
        submit(
            .loadApp(
                spec,
                reply: { [self] result in
                    if !wait.resume(with: result), case .success(let app) = result {
                        releaseApp(app)
                    }
                }
            )
        )
        let alarm = timeout.map { timeout in
            Watchdog.shared.schedule(after: timeout) {
                _ = wait.resume(with: .failure(.timeout(waitingFor: "the import of \(spec)", seconds: timeout.seconds)))
            }
        }
        defer { if let alarm { Watchdog.shared.cancel(alarm) } }
        return try await withTaskCancellationHandler {
            try await wait.value()
        } onCancel: {
            _ = wait.resume(with: .failure(.cancelled))
        }
    }

    /// One holder lets the app go; the last one drops it.
    package func releaseApp(_ app: LoadedAppID) {
        submit(.releaseApp(app.id))
    }

    /// Starts an app call: the one way into an app. `inbound` is what `receive()` returns first (a
    /// buffered request body, `websocket.connect`, `lifespan.startup`).
    package func open(
        app: LoadedAppID,
        scope: ConnectionScope,
        inbound: [InboundEvent],
        options: AppCallOptions
    ) -> AppCall {
        let call = AppCall(runtime: self, appID: app.id, scope: scope, inbound: inbound, options: options)
        options.account?.mark(.submitted)
        submit(.open(call))
        return call
    }
}

extension PythonRuntime {
    /// Lets Python `logging` records down to `level` be made, for a client that asked to capture
    /// them (the root logger's level, as pytest's `caplog.set_level`).
    package func lowerLogLevel(to level: Int) {
        submit(.onLoop { $0.lowerRootLevel(to: level) })
    }
}
