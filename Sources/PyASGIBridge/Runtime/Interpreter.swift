internal import CPython
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting the interpreter. Runs once, on the loop thread, which then owns the interpreter for the
/// life of the process (it is never finalised: finalising while other threads may call in crashes).
package enum Interpreter {
    /// The linked libpython's version, `major.minor.micro`.
    package static var linkedVersion: String {
        let full = String(cString: Py_GetVersion())
        return String(full.prefix { $0 != " " })
    }

    /// The version recorded in a venv's `pyvenv.cfg`.
    static func venvVersion(_ venv: String) -> String? {
        guard let config = Environment.readFile(venv + "/pyvenv.cfg") else { return nil }
        for line in config.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
            if parts.count == 2, parts[0] == "version" || parts[0] == "version_info" {
                return String(parts[1])
            }
        }
        return nil
    }

    /// Fails unless `venv` was made by the same Python version as the linked libpython: a venv
    /// from another interpreter would import a foreign standard library and packages.
    package static func checkVirtualEnvironment(_ venv: String) throws(BridgeFailure) {
        let linked = linkedVersion
        guard let made = venvVersion(venv) else {
            throw .interpreterStart(
                "\(venv)/pyvenv.cfg names no Python version; recreate the venv with scripts/bootstrap."
            )
        }
        let minor = linked.split(separator: ".").prefix(2).joined(separator: ".")
        if made != linked {
            throw .interpreterStart(
                """
                The virtual environment \(venv) was made by Python \(made), but this process embeds \
                libpython \(linked). Its packages and standard library would not match. Recreate it with \
                the interpreter that matches the linked library: rm -rf \(venv) && \
                "$(pkg-config --variable=exec_prefix python3-embed)/bin/python\(minor)" -m venv \(venv), \
                then install the requirements (scripts/bootstrap does all of this).
                """
            )
        }
    }

    /// Initialises Python for `venv` (nil: the system interpreter). The calling thread holds the
    /// GIL afterwards.
    static func start(venv: String?) throws(BridgeFailure) {
        if let venv { try checkVirtualEnvironment(venv) }

        let config = UnsafeMutablePointer<PyConfig>.allocate(capacity: 1)
        defer { config.deallocate() }
        // A plain (not isolated) Python config: PYTHONPATH is honoured, like `python` itself.
        PyConfig_InitPythonConfig(config)
        defer { PyConfig_Clear(config) }
        config.pointee.install_signal_handlers = 0
        config.pointee.parse_argv = 0
        config.pointee.buffered_stdio = 0
        if let venv {
            // Pointing `executable` into the venv makes Python read pyvenv.cfg: sys.prefix becomes
            // the venv and its site-packages joins sys.path.
            let executable = venv + "/bin/python"
            for field in [\PyConfig.executable, \PyConfig.program_name] {
                let status = PyConfig_SetBytesString(config, config.pointer(to: field), executable)
                if PyStatus_Exception(status) != 0 {
                    throw .interpreterStart("Cannot configure Python: \(describe(status))")
                }
            }
        }
        let status = Py_InitializeFromConfig(config)
        if PyStatus_Exception(status) != 0 {
            throw .interpreterStart("Python failed to start: \(describe(status))")
        }
    }

    /// Whether start-up writes ``announce(venv:source:searchPaths:)``'s line (the `asgi` command
    /// turns it off unless asked for details).
    package static var announcesEnvironment: Bool {
        get { announcing.load(ordering: .relaxed) }
        set { announcing.store(newValue, ordering: .relaxed) }
    }
    private static let announcing = Atomic<Bool>(true)

    /// The one line the first client of a process writes: which Python, which venv and why, and
    /// what was put on `sys.path`, so that a failing import can be traced to its environment.
    static func announce(venv: String?, source: String, searchPaths: [String]) {
        guard announcesEnvironment else { return }
        var line = announcement(venv: venv, source: source, searchPaths: searchPaths) + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// The text of ``announce(venv:source:searchPaths:)``'s line.
    package static func announcement(venv: String?, source: String, searchPaths: [String]) -> String {
        // The mapped libpython, as the loader found it (Linux); its name elsewhere.
        let library =
            Environment.readFile("/proc/self/maps")?.split(separator: "\n")
            .lazy.compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).last }
            .first { $0.contains("/libpython") }.map(String.init) ?? "libpython"
        return "swift-asgi-testclient: Python \(linkedVersion) (\(library)); virtual environment "
            + (venv.map { "\($0) (\(source))" } ?? "none (\(source))")
            + "; sys.path += \(searchPaths.joined(separator: ", "))"
    }

    private static func describe(_ status: PyStatus) -> String {
        var parts: [String] = []
        if let function = status.func { parts.append(String(cString: function)) }
        if let message = status.err_msg { parts.append(String(cString: message)) }
        return parts.isEmpty ? "unknown error" : parts.joined(separator: ": ")
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result.removeFirst() }
        while result.last == " " || result.last == "\t" || result.last == "\r" { result.removeLast() }
        return result
    }
}
