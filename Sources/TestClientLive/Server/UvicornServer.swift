#if Live
import Foundation
import NIOCore
import PyASGIBridge
import TestClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One uvicorn process serving one app on 127.0.0.1, started by ``start(_:)`` and stopped by
/// ``stop(grace:)``. What it writes is kept in ``log``.
final class UvicornServer: Sendable {
    /// How to start it.
    struct Settings: Sendable, Hashable {
        var python: String
        var app: String
        var arguments: [String]
        var lifespan: String
        var pythonPath: [String]
        var startTimeout: Duration
        var grace: Duration
    }

    private struct State {
        /// Held so that Foundation keeps watching the child; not touched after launch but to drop it.
        var process: Process?
        var port: Int?
        var stdoutHead: [UInt8] = []
        var exitStatus: Int32?
    }

    let settings: Settings
    let log: ServerLog
    /// The process id, which is also its process group's (the launcher calls `setpgrp`).
    let pid: Int32
    private let state: Locked<State>

    private init(settings: Settings, pid: Int32, state: Locked<State>, log: ServerLog) {
        self.settings = settings
        self.pid = pid
        self.state = state
        self.log = log
    }

    /// The port it listens on, once it said so.
    var port: Int? { state.withLock { $0.port } }
    /// The exit status, once it has exited.
    var exitStatus: Int32? { state.withLock { $0.exitStatus } }

    /// Starts uvicorn and waits until it answers on its socket (its app imported and its lifespan
    /// started), at most `settings.startTimeout`.
    /// - Throws: `BridgeFailure`: the app's loading error, a failed lifespan startup, uvicorn
    ///   missing, a server that exits or does not answer in time; each with what uvicorn wrote.
    static func start(_ settings: Settings) async throws -> UvicornServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: settings.python)
        var arguments = ["-c", UvicornLauncher.program, String(getpid()), String(settings.grace.seconds)]
        var app = settings.app
        if app.hasSuffix("()") {
            app.removeLast(2)
            arguments += [app, "--factory"]
        } else {
            arguments.append(app)
        }
        arguments += ["--lifespan", settings.lifespan] + settings.arguments
        // uvicorn's access log is the server's, not the app's (in-process calls have none), and a
        // line per request would make every call wait for the log to settle. Asked for, it stays.
        if !settings.arguments.contains(where: { $0 == "--access-log" || $0 == "--no-access-log" }) {
            arguments.append("--no-access-log")
        }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if !settings.pythonPath.isEmpty {
            environment["PYTHONPATH"] = (settings.pythonPath + [environment["PYTHONPATH"]].compactMap { $0 })
                .joined(separator: ":")
        }
        // Lines as they are written, not when a buffer fills: a call's error shows what the server
        // wrote during it.
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let (stdout, stderr) = (Pipe(), Pipe())
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let state = Locked(State())
        let log = ServerLog()
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            // The launcher's first line is the port; the rest is the server's.
            let rest = state.withLock { state -> [UInt8] in
                guard state.port == nil else { return Array(data) }
                state.stdoutHead += data
                guard let newline = state.stdoutHead.firstIndex(of: UInt8(ascii: "\n")) else { return [] }
                state.port = Int(String(decoding: state.stdoutHead[..<newline], as: UTF8.self)) ?? -1
                return Array(state.stdoutHead[(newline + 1)...])
            }
            if !rest.isEmpty { log.append(rest, stream: 1) }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            log.append(Array(data), stream: 2)
        }
        process.terminationHandler = { process in
            let status = process.terminationStatus
            state.withLock { $0.exitStatus = status }
        }
        do {
            try process.run()
        } catch {
            throw BridgeFailure.serverFailed(message: "Could not run \(settings.python): \(error)", output: "")
        }
        let pid = process.processIdentifier
        state.withLock { $0.process = process }
        let server = UvicornServer(settings: settings, pid: pid, state: state, log: log)
        do {
            try await server.waitUntilReady()
        } catch {
            await server.stop(grace: .zero)
            throw error
        }
        return server
    }

    /// The server's URL, once it listens.
    var url: String { "\(scheme)://127.0.0.1:\(port ?? 0)" }

    /// `https` when uvicorn serves TLS (`--ssl-certfile`), else `http`.
    var scheme: String { certificateFile == nil ? "http" : "https" }

    /// What the client trusts: the server's own certificate file, when it serves TLS.
    var trust: TLSTrust { certificateFile.map { .certificates(pemFile: $0) } ?? .system }

    /// The value of `--ssl-certfile` among uvicorn's arguments.
    private var certificateFile: String? {
        let arguments = settings.arguments
        for (index, argument) in arguments.enumerated() {
            if argument == "--ssl-certfile", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--ssl-certfile=") { return String(argument.dropFirst("--ssl-certfile=".count)) }
        }
        return nil
    }

    /// Polls until the server answers a probe, it exits, or the start timeout passes.
    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + settings.startTimeout
        while true {
            if let status = exitStatus {
                // Let the pipes deliver the last lines before reading them.
                try? await Task.sleep(for: .milliseconds(100))
                throw startFailure(status: status)
            }
            if let port, port > 0, Self.answers(port: port, tls: certificateFile != nil) {
                log.forgetProbes()
                return
            }
            guard ContinuousClock.now < deadline else {
                throw BridgeFailure.serverFailed(
                    message:
                        "uvicorn did not accept connections within \(settings.startTimeout.seconds) s (TestClientConfiguration.importTimeout, else timeout).",
                    output: log.text
                )
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Whether something serves HTTP on `port`: a request line uvicorn rejects itself (a 400,
    /// without calling the app) comes back once the server has started, its lifespan included.
    /// A server that speaks TLS closes the connection instead, as the probe is no TLS handshake;
    /// until it serves, the connection waits in the listening socket's backlog, and nothing comes.
    private static func answers(port: Int, tls: Bool) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // NIO's address, not a hand-filled sockaddr_in: which C module owns sockaddr_in's members
        // depends on the build (Glibc's, or NIO's shim that includes the same header).
        guard let address = try? SocketAddress(ipAddress: "127.0.0.1", port: port),
            address.withSockAddr({ connect(fd, $0, socklen_t($1)) }) == 0
        else { return false }
        let probe = Array("PROBE\r\n\r\n".utf8)
        guard send(fd, probe, probe.count, Int32(MSG_NOSIGNAL)) == probe.count else { return false }
        var byte: UInt8 = 0
        let received = recv(fd, &byte, 1, 0)
        return received == 1 || (tls && received == 0)
    }

    /// Why the server exited before it served: the app's loading error as the in-process client
    /// names it, a failed lifespan startup, uvicorn missing, or else the exit status.
    private func startFailure(status: Int32) -> BridgeFailure {
        let output = log.text
        let app = settings.app
        if status == UvicornLauncher.uvicornMissing {
            return .serverFailed(
                message: output.split(separator: "\n").last.map(String.init)
                    ?? "uvicorn is missing: pip install uvicorn",
                output: output
            )
        }
        func load(_ kind: BridgeFailure.AppLoadKind, _ what: String) -> BridgeFailure {
            .appLoad(kind, message: "uvicorn could not load \(app): \(what)\n\(output)", exception: nil)
        }
        if let line = output.split(separator: "\n").first(where: { $0.contains("Error loading ASGI app") }) {
            let what = String(line.drop { $0 != "." }.dropFirst().drop { $0 == " " })
            if line.contains("Could not import module") { return load(.moduleNotFound, what) }
            if line.contains("not found in module") { return load(.attributeNotFound, what) }
            if line.contains("must be in format") { return load(.invalidSpec, what) }
            if line.contains("is not callable") { return load(.notCallable, what) }
            return load(.importFailed, what)
        }
        if log.contains("Application startup failed") {
            return .lifespanFailed(phase: "startup", message: output)
        }
        if output.contains("Traceback") {
            let last = output.split(separator: "\n").last.map(String.init) ?? ""
            return load(output.contains("ModuleNotFoundError") ? .moduleNotFound : .importFailed, last)
        }
        return .serverFailed(
            message: "uvicorn exited with status \(status) before it accepted connections.",
            output: output
        )
    }

    /// Stops the server: SIGTERM (uvicorn shuts down gracefully, its lifespan included), then
    /// SIGKILL to its whole process group once `grace` has passed.
    func stop(grace: Duration) async {
        // Not the caller's task: a cancelled close must still stop the server, and sleep.
        await Task { [self] in
            if exitStatus == nil {
                kill(pid, SIGTERM)
                let deadline = ContinuousClock.now + grace
                while exitStatus == nil, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            // Workers, or a server that did not stop in time.
            kill(-pid, SIGKILL)
            let deadline = ContinuousClock.now + .seconds(5)
            while exitStatus == nil, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            state.withLock { $0.process = nil }
        }.value
    }
}
#endif
