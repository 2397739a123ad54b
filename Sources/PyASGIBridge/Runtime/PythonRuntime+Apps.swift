extension PythonRuntime {
    /// Imports `spec` (`module:attr` or `module:factory()`) and returns its id for ``open(app:scope:mode:inbound:raiseAppExceptions:)``.
    package func loadApp(_ spec: String) async throws -> Int {
        try await withUnsafeThrowingContinuation { continuation in
            submit(.loadApp(spec, reply: { continuation.resume(with: $0.mapError { $0 }) }))
        }
    }

    /// Drops a loaded app and its lifespan state.
    package func releaseApp(_ id: Int) {
        submit(.releaseApp(id))
    }

    /// Starts an app call. `inbound` is what `receive()` returns first (a buffered request body).
    package func open(
        app: Int,
        scope: ConnectionScope,
        mode: Connection.Mode,
        inbound: [InboundEvent],
        raiseAppExceptions: Bool = true,
        requireLowercaseHeaderNames: Bool = false
    ) -> Connection {
        let connection = Connection(
            runtime: self,
            appID: app,
            scope: scope,
            mode: mode,
            inbound: inbound,
            raiseAppExceptions: raiseAppExceptions,
            requireLowercaseHeaderNames: requireLowercaseHeaderNames
        )
        submit(.open(connection))
        return connection
    }
}

extension PythonRuntime {
    /// Calls `module.function(*arguments)` on the loop thread, awaiting it if it is a coroutine, and
    /// returns `str()` of the result. For tools such as the benchmark.
    package func call(module: String, function: String, arguments: [String] = []) async throws -> String {
        try await withUnsafeThrowingContinuation { continuation in
            submit(
                .call(
                    module: module,
                    function: function,
                    arguments: arguments,
                    reply: { continuation.resume(with: $0.mapError { $0 }) }
                )
            )
        }
    }
}
