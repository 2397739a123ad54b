import Foundation
import PyASGIBridge
import Testing

struct InterpreterTests {
    func fakeVenv(version: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("venv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("home = /usr/bin\ninclude-system-site-packages = false\nversion = \(version)\n".utf8)
            .write(to: directory.appendingPathComponent("pyvenv.cfg"))
        return directory.path
    }

    @Test func venvOfAnotherPythonIsRefusedNamingBothVersions() throws {
        let venv = try fakeVenv(version: "3.11.7")
        let error = #expect(throws: BridgeFailure.self) { try Interpreter.checkVirtualEnvironment(venv) }
        guard case .interpreterStart(let message)? = error else {
            Issue.record("no interpreterStart error")
            return
        }
        #expect(message.contains("3.11.7"))
        #expect(message.contains(Interpreter.linkedVersion))
        #expect(message.contains("-m venv"))
    }

    @Test func venvOfTheLinkedPythonIsAccepted() throws {
        let venv = try fakeVenv(version: Interpreter.linkedVersion)
        try Interpreter.checkVirtualEnvironment(venv)
    }

    /// The scripts name the venv of a chosen Python (`scripts/test --python 3.13`) in `VIRTUAL_ENV`.
    @Test func theProjectVenvMatches() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let venv = ProcessInfo.processInfo.environment["VIRTUAL_ENV"] ?? root.appendingPathComponent(".venv").path
        try Interpreter.checkVirtualEnvironment(venv)
    }

    @Test func withoutAVenvTheWarningSaysWhereItLookedAndWhatPythonUses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("novenv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let searched = InterpreterConfiguration.virtualEnvironmentCandidates(
            active: nil,
            currentDirectory: directory.path
        )
        // Never the library's own checkout: only what the user's process points at.
        #expect(searched == [directory.path + "/.venv"])
        let warning = InterpreterConfiguration.noVirtualEnvironmentWarning(searched: searched, active: nil)
        #expect(warning.contains("warning: no virtual environment found"))
        #expect(warning.contains(directory.path + "/.venv"))
        #expect(warning.contains("VIRTUAL_ENV is not set"))
        #expect(warning.contains("interpreter's own site-packages"))
        #expect(warning.contains(Interpreter.linkedVersion))
    }

    @Test func anActiveVenvIsSearchedFirst() {
        let searched = InterpreterConfiguration.virtualEnvironmentCandidates(
            active: "/work/env",
            currentDirectory: "/work"
        )
        #expect(searched == ["/work/env", "/work/.venv"])
        let warning = InterpreterConfiguration.noVirtualEnvironmentWarning(searched: searched, active: "/work/env")
        #expect(!warning.contains("VIRTUAL_ENV is not set"))
    }
}
