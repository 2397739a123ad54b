import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The Python peers in a plain python process of the same venv (`bench_process.py`), as a user who
/// compares runs async-asgi-testclient: one batch per request line, answered with wall and CPU
/// microseconds per request.
final class PeerProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []

    /// - Parameter environment: Variables to set besides this process's own.
    init(python: String, directory: String, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: python)
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.arguments = [directory + "/bench_process.py"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// Runs one batch in the peer process: (wall, CPU) µs per request.
    func run(_ kind: String, app: String, workload: String) throws -> (wall: Double, cpu: Double) {
        try run(kind, spec: "bench_apps:\(app)", workload: workload)
    }

    /// Runs one batch against `spec`: an app (`module:attr`), or a server's URL for kind `live`.
    func run(_ kind: String, spec: String, workload: String) throws -> (wall: Double, cpu: Double) {
        input.fileHandleForWriting.write(Data("\(kind) \(spec) \(workload)\n".utf8))
        let parts = try readLine().split(separator: " ").compactMap { Double($0) }
        guard parts.count == 2 else { throw BenchmarkError("the peer process answered \(parts)") }
        return (parts[0], parts[1])
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                defer { buffer.removeSubrange(...end) }
                return String(decoding: buffer[..<end], as: UTF8.self)
            }
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw BenchmarkError("the peer process ended") }
            buffer += data
        }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// This process's CPU time (user + system) so far, in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}
