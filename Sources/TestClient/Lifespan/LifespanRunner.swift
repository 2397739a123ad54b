import PyASGIBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drives the lifespan protocol of one app object: startup when its first client opens, shutdown
/// when its last client closes (``AppLifecycles`` decides when). An app that raises on the lifespan
/// scope does not support it; in `auto` mode its clients then go on without lifespan events, as the
/// spec asks of a server, and the line uvicorn logs is written to the test output.
struct LifespanRunner: Sendable {
    /// How startup went.
    enum Startup: Sendable {
        case running(LifespanRunner)
        /// The app does not support lifespan; the reason says how that showed.
        case unsupported(reason: String)
    }

    /// How a client would run startup, should it be the first of its app: its runtime, mode,
    /// timeout, and the lifespan call's options.
    struct Settings: Sendable {
        var runtime: PythonRuntime
        var mode: LifespanMode
        var timeout: Duration
        var options: AppCallOptions
    }

    private let call: AppCall
    private let timeout: Duration

    /// Runs startup. An app that does not support lifespan is `.unsupported` in any mode: the caller
    /// decides what that means for a client in `.on` mode.
    static func start(_ app: LoadedAppID, _ settings: Settings) async throws -> Startup {
        let (mode, timeout) = (settings.mode, settings.timeout)
        let call = settings.runtime.open(
            app: app,
            scope: ConnectionScope(kind: .lifespan, specVersion: "2.0"),
            inbound: [.lifespanStartup],
            options: settings.options
        )
        do {
            switch try await call.nextEvent(timeout: timeout, waitingFor: "lifespan.startup.complete") {
            case .lifespanStartupComplete:
                return .running(LifespanRunner(call: call, timeout: timeout))
            case .lifespanStartupFailed(let message):
                throw BridgeFailure.lifespanFailed(phase: "startup", message: message)
            case nil:
                return .unsupported(reason: "the app returned without sending lifespan.startup.complete")
            case let other?:
                throw BridgeFailure.protocolViolation(
                    message:
                        "Expected 'lifespan.startup.complete' or 'lifespan.startup.failed', but got '\(other.typeName)'.",
                    messageType: other.typeName,
                    state: "lifespan startup"
                )
            }
        } catch BridgeFailure.appException(let info) {
            if mode == .auto {
                // What uvicorn logs in auto mode before it goes on without lifespan.
                log("ASGI 'lifespan' protocol appears unsupported.\n\(info.traceback)")
            }
            return .unsupported(reason: "the app raised on the lifespan scope: \(info.type): \(info.message)")
        }
    }

    /// Ends the lifespan call without a shutdown handshake (its last client went away unclosed): the
    /// app gets `lifespan.shutdown` from `receive()` and its task is cancelled right after.
    func abandon() {
        call.leave(failing: .connectionClosed(reason: "The client was released without close()."))
    }

    /// Runs shutdown and waits for the lifespan call to end.
    func shutdown() async throws {
        call.push(.lifespanShutdown)
        switch try await call.nextEvent(timeout: timeout, waitingFor: "lifespan.shutdown.complete") {
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
        while try await call.nextEvent(timeout: timeout, waitingFor: "the lifespan call to return") != nil {}
    }

    /// Writes a line to the test output (standard error), as a server's log would.
    private static func log(_ text: String) {
        var line = "swift-asgi-testclient: " + text + (text.hasSuffix("\n") ? "" : "\n")
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
