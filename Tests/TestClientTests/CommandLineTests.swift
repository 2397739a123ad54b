import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built `asgi` executable as a newcomer would.
struct CommandLineTests {
    struct Run {
        var status: Int32
        var output: Data
        var stderr: String
        var stdout: String { String(decoding: output, as: UTF8.self) }

        /// The one JSON object of `--output json`.
        func object() throws -> [String: Any]? {
            try JSONSerialization.jsonObject(with: output) as? [String: Any]
        }
    }

    /// Where the child's standard input comes from.
    enum Input {
        /// A pipe that gets these bytes and is then closed (no bytes: an empty pipe).
        case pipe(Data)
        case devNull
        /// No descriptor 0 at all, as some CI runners start commands.
        case closed
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("asgi")
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A process for `asgi arguments` in `directory` (the package root unless given); `NO_COLOR`
    /// only when given.
    static func process(
        _ arguments: [String],
        input: Input,
        environment: [String: String],
        directory: URL = root
    ) -> Process {
        let process = Process()
        if case .closed = input {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", #"exec "$0" "$@" <&-"#, executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        var inherited = ProcessInfo.processInfo.environment
        inherited["NO_COLOR"] = nil
        process.environment = inherited.merging(environment) { $1 }
        if case .devNull = input { process.standardInput = FileHandle(forReadingAtPath: "/dev/null") }
        return process
    }

    static func run(
        _ arguments: [String],
        input: String = "",
        environment: [String: String] = [:],
        directory: URL = root
    ) async throws -> Run {
        try await run(arguments, input: .pipe(Data(input.utf8)), environment: environment, directory: directory)
    }

    /// Runs `asgi` and waits for it on a thread of its own (``offPool(_:)``).
    static func run(
        _ arguments: [String],
        input: Input,
        environment: [String: String] = [:],
        directory: URL = root
    ) async throws -> Run {
        try await offPool { try blockingRun(arguments, input: input, environment: environment, directory: directory) }
    }

    /// Runs `work` on a thread of its own and awaits it, at most one per core at a time. A test that
    /// waits for a subprocess must not hold a thread of Swift's cooperative pool (two on a 2-core
    /// machine): every other test of the run needs them, and one that waited the whole CLI suite out
    /// timed out. The slots keep the commands' start-ups (an interpreter and an import each) from
    /// crowding the cores all at once, as the pool's width did before.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await slots.acquire()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            Thread { continuation.resume(returning: Result { try work() }) }.start()
        }
        await slots.release()
        return try result.get()
    }

    private static let slots = Slots(ProcessInfo.processInfo.activeProcessorCount)

    /// A counting semaphore whose waiters suspend instead of blocking a thread.
    actor Slots {
        private var free: Int
        private var waiters: [CheckedContinuation<Void, Never>] = []

        init(_ count: Int) { free = max(1, count) }

        func acquire() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiters.append($0) }
        }

        func release() {
            if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
        }
    }

    private static func blockingRun(
        _ arguments: [String],
        input: Input,
        environment: [String: String],
        directory: URL
    ) throws -> Run {
        let process = process(arguments, input: input, environment: environment, directory: directory)
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        if case .pipe = input { process.standardInput = stdin }
        try process.run()
        if case .pipe(let bytes) = input {
            stdin.fileHandleForWriting.write(bytes)
            try stdin.fileHandleForWriting.close()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: output, stderr: String(decoding: error, as: UTF8.self))
    }

    /// Runs with stdout on a pseudo-terminal, as a user at a terminal sees it (line ends as "\n").
    static func runOnTerminal(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        try await offPool { try blockingRunOnTerminal(arguments, environment: environment) }
    }

    private static func blockingRunOnTerminal(_ arguments: [String], environment: [String: String]) throws -> Run {
        let primary = Terminal.openpt(O_RDWR | O_NOCTTY)
        try #require(primary >= 0 && Terminal.grantpt(primary) == 0 && Terminal.unlockpt(primary) == 0)
        defer { close(primary) }
        let name = try #require(Terminal.ptsname(primary))
        let secondary = try #require(FileHandle(forUpdatingAtPath: String(cString: name)))
        let process = process(arguments, input: .pipe(Data()), environment: environment)
        let err = Pipe()
        process.standardOutput = secondary
        process.standardError = err
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        try secondary.close()
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        // Reading ends with EIO once the child, the last holder of the terminal, has exited.
        while case let count = read(primary, &chunk, chunk.count), count > 0 { output += chunk[..<count] }
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return Run(
            status: process.terminationStatus,
            output: Data(text.utf8),
            stderr: String(decoding: error, as: UTF8.self)
        )
    }

    /// The pseudo-terminal calls, which Glibc's Swift module leaves out (they need `_XOPEN_SOURCE`).
    enum Terminal {
        /// Whether this machine gives pseudo-terminals (a chroot without /dev/pts does not).
        static let isAvailable: Bool = {
            let primary = openpt(O_RDWR | O_NOCTTY)
            guard primary >= 0 else { return false }
            defer { close(primary) }
            return grantpt(primary) == 0 && unlockpt(primary) == 0
                && ptsname(primary).map {
                    FileManager.default.fileExists(atPath: String(cString: $0))
                } == true
        }()

        #if canImport(Glibc)
        typealias Call = @convention(c) (Int32) -> Int32
        static let openpt = function("posix_openpt", as: Call.self)
        static let grantpt = function("grantpt", as: Call.self)
        static let unlockpt = function("unlockpt", as: Call.self)
        static let ptsname = function("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)

        static func function<T>(_ name: String, as type: T.Type) -> T {
            // RTLD_DEFAULT is a null handle on glibc: search the libraries already loaded.
            unsafeBitCast(dlsym(nil, name)!, to: type)
        }
        #else
        static let openpt = posix_openpt
        static let grantpt = Darwin.grantpt
        static let unlockpt = Darwin.unlockpt
        static let ptsname = Darwin.ptsname
        #endif
    }

    /// A file named `name` in a folder of its own: tests run in parallel, and two that wrote the
    /// same name in one folder read each other's contents.
    static func temporaryFile(_ name: String, _ contents: String) throws -> URL {
        let file = try temporaryDirectory().appendingPathComponent(name)
        try Data(contents.utf8).write(to: file)
        return file
    }

    @Test func executableIsBuilt() {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.executable.path),
            "build it with swift build --build-tests"
        )
    }

    @Test func demoAppPrettyOutput() async throws {
        let run = try await Self.run(["GET", "/"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("HTTP/1.1 200 OK\n"))
        #expect(run.stdout.contains("content-type: application/json"))
        #expect(run.stdout.contains(#""framework" : "starlette""#))
        #expect(!run.stdout.contains("\u{1B}["))  // no colours when not on a terminal
    }

    @Test func jsonOutputForScripts() async throws {
        let run = try await Self.run(["POST", "/items", "--json", #"{"name": "pen"}"#, "--output", "json"])
        #expect(run.status == 0)
        let object = try run.object()
        #expect(object?["status"] as? Int == 201)
        #expect(object?["body"] as? [String: String] == ["name": "pen"])
        let headers = object?["headers"] as? [[String]]
        #expect(headers?.contains(["content-type", "application/json"]) == true)
    }

    @Test func jsonOutputKeepsTextAsAString() async throws {
        let run = try await Self.run(["GET", "/hello", "--output", "json"])
        #expect(try run.object()?["body"] as? String == "Hello, world!")
    }

    @Test func binaryBodyIsBase64() async throws {
        let run = try await Self.run(["GET", "/binary", "--output", "json"])
        let object = try run.object()
        #expect(object?["body_base64"] as? String == Data((0...255).map { UInt8($0) }).base64EncodedString())
    }

    @Test func followAndHistory() async throws {
        let run = try await Self.run(["GET", "/moved", "--follow", "--output", "json"])
        let object = try run.object()
        #expect(object?["body"] as? String == "Hello, redirected!")
        let history = object?["history"] as? [[String: Any]]
        #expect(history?.first?["status"] as? Int == 307)
        let unfollowed = try await Self.run(["GET", "/moved"])
        #expect(unfollowed.stdout.hasPrefix("HTTP/1.1 307 Temporary Redirect"))
    }

    @Test func queryHeadersCookiesFormAndFiles() async throws {
        let hello = try await Self.run(["GET", "/hello", "--query", "name=Swift Test", "-H", "X-Trace: 1", "--cookie", "a=1"])
        #expect(hello.stdout.hasSuffix("Hello, Swift Test!\n"))
        let file = try Self.temporaryFile("asgi-cli-upload.txt", "file body")
        let upload = try await Self.run([
            "--app", "python_fixtures.starlette_app:app", "POST", "/upload", "--form", "title=x", "--file",
            "doc=@\(file.path)", "--output", "json",
        ])
        #expect(upload.status == 0)
        #expect(upload.stdout.contains("asgi-cli-upload.txt"))
    }

    @Test func dataFromAFile() async throws {
        let file = try Self.temporaryFile("asgi-cli-data.json", #"{"name": "from file"}"#)
        let run = try await Self.run([
            "POST", "/items", "--data", "@\(file.path)", "-H", "Content-Type: application/json", "--output", "json",
        ])
        #expect(run.status == 0)
        let object = try run.object()
        #expect(object?["status"] as? Int == 201)
        #expect(object?["body"] as? [String: String] == ["name": "from file"])
    }

    @Test func failuresExitNonZeroWithOneLine() async throws {
        let missing = try await Self.run(["--app", "python_fixtures.nope:app", "GET", "/"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("asgi: moduleNotFound:"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let raised = try await Self.run(["--app", "python_fixtures.raw_asgi:app", "GET", "/boom"])
        #expect(raised.status == 2)
        #expect(raised.stderr.contains("ValueError: boom from raw app"))
        #expect(raised.stderr.split(separator: "\n").count == 1)
        let timeout = try await Self.run(["--app", "python_fixtures.raw_asgi:app", "GET", "/sleep?5", "--timeout", "0.2"])
        #expect(timeout.status == 2)
        #expect(timeout.stderr.hasPrefix("asgi: timeout:"))
        let notFound = try await Self.run(["GET", "/nope"])
        #expect(notFound.status == 0)  // any response is a success
    }
}
