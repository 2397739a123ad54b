import Foundation
import Testing

/// `asgi --ws`: every line sent, replies printed as they come, closing and its exit codes.
extension CommandLineTests {
    @Test func websocketMode() async throws {
        // The echo app never closes: the command closes after the app has been silent for --timeout.
        let run = try await Self.run(["--ws", "/ws", "--timeout", "5"], input: "one\ntwo\n")
        #expect(run.status == 0)
        #expect(run.stdout == "echo: one\necho: two\n")
    }

    @Test func websocketSendsEveryLineEvenWithoutReplies() async throws {
        let run = try await Self.run(["--ws", "/ws/collect"], input: "a\nb\nend\n")
        #expect(run.status == 0)
        #expect(run.stdout == "got: a, b\n")
    }

    @Test func websocketJSONOutputShowsTheClose() async throws {
        let run = try await Self.run(["--ws", "/ws/collect", "--output", "json"], input: "a\nend\n")
        #expect(
            run.stdout == #"{"text":"got: a","type":"text"}"# + "\n" + #"{"code":1000,"reason":"","type":"close"}"#
                + "\n"
        )
    }

    @Test func websocketCloseCodesDecideTheExitCode() async throws {
        for (code, exit) in [(1000, 0), (1001, 0), (1008, 2), (1011, 2), (4000, 2)] as [(Int, Int32)] {
            let run = try await Self.run(["--ws", "/ws/close/\(code)"])
            #expect(run.status == exit, "close code \(code)")
            #expect(run.stderr.contains("with code \(code): closing with \(code)") == (exit != 0), "close code \(code)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func websocketPrintsRepliesWhileInputIsStillOpen() async throws {
        let process = Self.process(["--ws", "/ws/greet"], input: .pipe(Data()), environment: [:])
        let out = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardInput = stdin
        process.standardError = Pipe()
        try process.run()
        // The app speaks first: its greeting must arrive before any input is written.
        #expect(Self.readUntil("ready\n", from: out.fileHandleForReading))
        stdin.fileHandleForWriting.write(Data("x\n".utf8))
        #expect(Self.readUntil("echo: x\n", from: out.fileHandleForReading))
        try stdin.fileHandleForWriting.close()
        _ = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Reads until the text has come, or the end.
    static func readUntil(_ text: String, from handle: FileHandle) -> Bool {
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).hasSuffix(text) {
            let chunk = handle.availableData
            if chunk.isEmpty { return false }
            seen += chunk
        }
        return true
    }
}
