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

    @Test func theProjectVenvMatches() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        try Interpreter.checkVirtualEnvironment(root.appendingPathComponent(".venv").path)
    }
}
