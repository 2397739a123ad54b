import Foundation
import Testing

/// Runs the built `asgi` executable as a newcomer would.
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("asgi")
    }

    static func run(_ arguments: [String], input: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        process.currentDirectoryURL = root
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: error, as: UTF8.self)
        )
    }

    @Test func executableIsBuilt() {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.executable.path),
            "build it with swift build --build-tests"
        )
    }

    @Test func demoAppPrettyOutput() throws {
        let run = try Self.run(["GET", "/"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("HTTP/1.1 200 OK\n"))
        #expect(run.stdout.contains("content-type: application/json"))
        #expect(run.stdout.contains(#""framework" : "starlette""#))
        #expect(!run.stdout.contains("\u{1B}["))  // no colours when not on a terminal
    }

    @Test func jsonOutputForScripts() throws {
        let run = try Self.run(["POST", "/items", "--json", #"{"name": "pen"}"#, "--output", "json"])
        #expect(run.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? Int == 201)
        #expect(object?["body"] as? String == #"{"name":"pen"}"#)
        let headers = object?["headers"] as? [[String]]
        #expect(headers?.contains(["content-type", "application/json"]) == true)
    }

    @Test func binaryBodyIsBase64() throws {
        let run = try Self.run(["GET", "/binary", "--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["body_base64"] as? String == Data((0...255).map { UInt8($0) }).base64EncodedString())
    }

    @Test func followAndHistory() throws {
        let run = try Self.run(["GET", "/moved", "--follow", "--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["body"] as? String == "Hello, redirected!")
        let history = object?["history"] as? [[String: Any]]
        #expect(history?.first?["status"] as? Int == 307)
        let unfollowed = try Self.run(["GET", "/moved"])
        #expect(unfollowed.stdout.hasPrefix("HTTP/1.1 307 Temporary Redirect"))
    }

    @Test func queryHeadersCookiesFormAndFiles() throws {
        let hello = try Self.run(["GET", "/hello", "--query", "name=Swift Test", "-H", "X-Trace: 1", "--cookie", "a=1"])
        #expect(hello.stdout.hasSuffix("Hello, Swift Test!\n"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("asgi-cli-upload.txt")
        try Data("file body".utf8).write(to: file)
        let upload = try Self.run([
            "--app", "python_fixtures.starlette_app:app", "POST", "/upload", "--form", "title=x", "--file",
            "doc=@\(file.path)", "--output", "json",
        ])
        #expect(upload.status == 0)
        #expect(upload.stdout.contains("asgi-cli-upload.txt"))
    }

    @Test func dataFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("asgi-cli-data.json")
        try Data(#"{"name": "from file"}"#.utf8).write(to: file)
        let run = try Self.run([
            "POST", "/items", "--data", "@\(file.path)", "-H", "Content-Type: application/json", "--output", "json",
        ])
        #expect(run.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? Int == 201)
        #expect(object?["body"] as? String == #"{"name":"from file"}"#)
    }

    @Test func websocketMode() throws {
        let run = try Self.run(["--ws", "/ws"], input: "one\ntwo\n")
        #expect(run.status == 0)
        #expect(run.stdout == "echo: one\necho: two\n")
    }

    @Test func failuresExitNonZeroWithOneLine() throws {
        let missing = try Self.run(["--app", "python_fixtures.nope:app", "GET", "/"])
        #expect(missing.status != 0)
        #expect(missing.stderr.hasPrefix("asgi: moduleNotFound:"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let raised = try Self.run(["--app", "python_fixtures.raw_asgi:app", "GET", "/boom"])
        #expect(raised.status != 0)
        #expect(raised.stderr.contains("ValueError: boom from raw app"))
        let timeout = try Self.run(["--app", "python_fixtures.raw_asgi:app", "GET", "/sleep?5", "--timeout", "0.2"])
        #expect(timeout.status != 0)
        #expect(timeout.stderr.hasPrefix("asgi: timeout:"))
        let notFound = try Self.run(["GET", "/nope"])
        #expect(notFound.status == 0)  // any response is a success
    }
}
