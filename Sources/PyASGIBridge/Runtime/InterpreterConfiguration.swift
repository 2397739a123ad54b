#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the one embedded interpreter of this process is set up. The first client to start the
/// interpreter decides; later configurations may only add search paths.
package struct InterpreterConfiguration: Sendable, Equatable {
    /// The virtual environment; nil finds one from `VIRTUAL_ENV`, then `.venv` in the current
    /// directory, then `.venv` in this package's root.
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
    /// The venv to use and how it was found, or nil to run without one.
    func resolveVirtualEnvironment() throws(BridgeFailure) -> String? {
        if let explicit = virtualEnvironment {
            guard Environment.isFile(explicit + "/pyvenv.cfg") else {
                throw .interpreterStart(
                    "The virtual environment \(explicit) has no pyvenv.cfg; create it with scripts/bootstrap."
                )
            }
            return explicit
        }
        if let active = Environment.value("VIRTUAL_ENV"), Environment.isFile(active + "/pyvenv.cfg") {
            return active
        }
        let candidates = [Environment.currentDirectory, Environment.packageRoot].compactMap { $0 }
        for directory in candidates where Environment.isFile(directory + "/.venv/pyvenv.cfg") {
            return directory + "/.venv"
        }
        return nil
    }
}
