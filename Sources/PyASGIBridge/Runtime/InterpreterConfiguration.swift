#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the one embedded interpreter of this process is set up. The first client to start the
/// interpreter decides; later configurations may only add search paths.
package struct InterpreterConfiguration: Sendable, Equatable {
    /// The virtual environment; nil finds one from `VIRTUAL_ENV`, then `.venv` in the current
    /// directory. (Never this library's own checkout's `.venv`: a package that depends on it must
    /// not run in the library's environment by accident.)
    package var virtualEnvironment: String?
    /// Directories put in front of `sys.path` (after the current directory). `PYTHONPATH` is
    /// honoured as well.
    package var searchPaths: [String]

    package init(virtualEnvironment: String? = nil, searchPaths: [String] = []) {
        self.virtualEnvironment = virtualEnvironment
        self.searchPaths = searchPaths
    }
}

extension InterpreterConfiguration {
    /// The venv to use, or nil to run without one, and where it came from (for the start-up line).
    func resolveVirtualEnvironment() throws(BridgeFailure) -> (path: String?, source: String) {
        if let explicit = virtualEnvironment {
            guard Environment.isFile(explicit + "/pyvenv.cfg") else {
                throw .interpreterStart(
                    "The virtual environment \(explicit) has no pyvenv.cfg; create it with scripts/bootstrap."
                )
            }
            return (explicit, "TestClientConfiguration.virtualEnvironment")
        }
        let active = Environment.value("VIRTUAL_ENV")
        let searched = Self.virtualEnvironmentCandidates(active: active, currentDirectory: Environment.currentDirectory)
        if let found = searched.first(where: { Environment.isFile($0 + "/pyvenv.cfg") }) {
            return (found, found == active ? "VIRTUAL_ENV" : "./.venv in the current directory")
        }
        // Not an error (a system Python with the packages installed works), but a test run that
        // cannot import its framework should say why on its first line of output.
        var warning = Self.noVirtualEnvironmentWarning(searched: searched, active: active) + "\n"
        warning.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        return (nil, "none found")
    }

    /// Where a venv is looked for when none is configured, in order: `VIRTUAL_ENV`, `.venv` in the
    /// current directory.
    package static func virtualEnvironmentCandidates(active: String?, currentDirectory: String) -> [String] {
        var candidates = active.map { [$0] } ?? []
        if !candidates.contains(currentDirectory + "/.venv") { candidates.append(currentDirectory + "/.venv") }
        return candidates
    }

    /// The start-up warning when no venv was found: where it looked, and what Python does instead.
    package static func noVirtualEnvironmentWarning(searched: [String], active: String?) -> String {
        """
        swift-asgi-testclient: warning: no virtual environment found; looked for pyvenv.cfg in \
        \(searched.joined(separator: ", "))\(active == nil ? " (VIRTUAL_ENV is not set)" : ""). Falling back to the \
        interpreter's own site-packages (Python \(Interpreter.linkedVersion)): only packages installed for it \
        are importable. Set TestClientConfiguration.virtualEnvironment or VIRTUAL_ENV, or create .venv with \
        scripts/bootstrap.
        """
    }
}

extension InterpreterConfiguration {
    /// The Python a live server runs with: the virtual environment's (found as the embedded
    /// interpreter finds it), never the first `python3` on `PATH`.
    package func pythonExecutable() throws(BridgeFailure) -> String {
        guard let venv = try resolveVirtualEnvironment().path else {
            throw .interpreterStart(
                "A live server runs the virtual environment's Python, and none was found: set TestClientConfiguration.virtualEnvironment or VIRTUAL_ENV, or create .venv with scripts/bootstrap."
            )
        }
        return venv + "/bin/python"
    }
}
