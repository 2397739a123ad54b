import PyASGIBridge

/// Drives the lifespan protocol of one client's app: startup when the client opens, shutdown when
/// it closes. An app that raises on the lifespan scope does not support it; in `auto` mode the client
/// then goes on without lifespan events, as the spec asks of a server.
struct LifespanRunner: Sendable {
    private let connection: Connection
    private let timeout: Duration

    /// Runs startup; nil when the app does not support lifespan (in `auto` mode).
    static func start(
        runtime: PythonRuntime,
        app: Int,
        configuration: TestClientConfiguration
    ) async throws -> LifespanRunner? {
        guard configuration.lifespan != .off else { return nil }
        let scope = ConnectionScope(kind: .lifespan, specVersion: "2.0")
        let connection = runtime.open(app: app, scope: scope, mode: .streaming, inbound: [.lifespanStartup])
        let timeout = configuration.lifespanTimeout
        do {
            switch try await connection.nextEvent(timeout: timeout, waitingFor: "lifespan.startup.complete") {
            case .lifespanStartupComplete:
                return LifespanRunner(connection: connection, timeout: timeout)
            case .lifespanStartupFailed(let message):
                throw BridgeFailure.lifespanFailed(phase: "startup", message: message)
            case nil:
                if configuration.lifespan == .on {
                    throw BridgeFailure.lifespanFailed(
                        phase: "startup",
                        message: "the app returned without sending lifespan.startup.complete"
                    )
                }
                return nil
            case let other?:
                throw BridgeFailure.protocolViolation(
                    message:
                        "Expected 'lifespan.startup.complete' or 'lifespan.startup.failed', but got '\(other.typeName)'.",
                    messageType: other.typeName,
                    state: "lifespan startup"
                )
            }
        } catch BridgeFailure.appException(let info) {
            // uvicorn, auto mode: "ASGI 'lifespan' protocol appears unsupported." and go on.
            guard configuration.lifespan == .on else { return nil }
            throw BridgeFailure.lifespanFailed(
                phase: "startup",
                message: "the app raised on the lifespan scope: \(info.type): \(info.message)"
            )
        }
    }

    /// Ends the lifespan call without a shutdown handshake (the client went away unclosed): the app
    /// gets `lifespan.shutdown` from `receive()` and its task is cancelled right after.
    func abandon() {
        connection.abort(.connectionClosed(reason: "The client was released without close()."))
    }

    /// Runs shutdown and waits for the lifespan call to end.
    func shutdown() async throws {
        connection.push(.lifespanShutdown)
        switch try await connection.nextEvent(timeout: timeout, waitingFor: "lifespan.shutdown.complete") {
        case .lifespanShutdownComplete, nil:
            break
        case .lifespanShutdownFailed(let message):
            throw BridgeFailure.lifespanFailed(phase: "shutdown", message: message)
        case let other?:
            throw BridgeFailure.protocolViolation(
                message:
                    "Expected 'lifespan.shutdown.complete' or 'lifespan.shutdown.failed', but got '\(other.typeName)'.",
                messageType: other.typeName,
                state: "lifespan shutdown"
            )
        }
        // The lifespan call itself must end too; an exception after shutdown.complete surfaces here.
        while try await connection.nextEvent(timeout: timeout, waitingFor: "the lifespan call to return") != nil {}
    }
}
