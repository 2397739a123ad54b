import Foundation
import Testing

/// `scripts/test --python X.Y` (and `scripts/asgi`, `scripts/bench`): how `scripts/select-python`
/// finds a Python, against fake installations made for the test. Nothing here builds or starts Python.
struct PythonSelectionTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A scratch directory holding a copy of `scripts/select-python`, so that what it creates (the
    /// pkg-config directory in `.build-pyX.Y`) lands there and not in the package.
    let sandbox: URL

    init() throws {
        sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("select-python-\(UUID().uuidString)")
        let scripts = sandbox.appendingPathComponent("project/scripts")
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.packageRoot.appendingPathComponent("scripts/select-python"),
            to: scripts.appendingPathComponent("select-python")
        )
    }

    var project: URL { sandbox.appendingPathComponent("project") }
    var pyenvRoot: URL { sandbox.appendingPathComponent("pyenv") }

    /// An installed Python under `prefix`, as `make install` leaves it: the interpreter, the
    /// `python-X.Y-embed.pc` file, the static library, and the shared one only when `shared`.
    @discardableResult
    func makePython(at prefix: URL, version: String, shared: Bool) throws -> URL {
        let manager = FileManager.default
        let lib = prefix.appendingPathComponent("lib")
        try manager.createDirectory(at: lib.appendingPathComponent("pkgconfig"), withIntermediateDirectories: true)
        try manager.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let pc = """
            prefix=\(prefix.path)
            exec_prefix=${prefix}
            libdir=\(lib.path)
            includedir=${prefix}/include

            Name: Python
            Description: Embed Python into an application
            Requires:
            Version: \(version)
            Libs: -L${libdir} -lpython\(version)
            Cflags: -I${includedir}/python\(version)

            """
        try Data(pc.utf8).write(to: lib.appendingPathComponent("pkgconfig/python-\(version)-embed.pc"))
        try Data().write(to: lib.appendingPathComponent("libpython\(version).a"))
        if shared { try Data().write(to: lib.appendingPathComponent("libpython\(version).so")) }
        let interpreter = prefix.appendingPathComponent("bin/python\(version)")
        try Data("#!/bin/sh\necho \(version)\n".utf8).write(to: interpreter)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: interpreter.path)
        return prefix
    }

    /// Sources the sandbox's `select-python`, calls `select_python` with `arguments`, then runs `then`.
    func select(_ arguments: String, then: String = "") throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            "-c", "set -euo pipefail; source scripts/select-python; select_python \(arguments); \(then)",
        ]
        process.currentDirectoryURL = project
        var environment = ProcessInfo.processInfo.environment
        // Only the fakes: no system pkg-config directory knows a Python 3.99.
        environment["PYENV_ROOT"] = pyenvRoot.path
        environment["HOMEBREW_PREFIX"] = sandbox.appendingPathComponent("homebrew").path
        environment.removeValue(forKey: "PKG_CONFIG_PATH")
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: error, as: UTF8.self)
        )
    }

    @Test func pythonWithoutSharedLibraryIsRefusedWithTheFix() throws {
        try makePython(at: pyenvRoot.appendingPathComponent("versions/3.99.1"), version: "3.99", shared: false)
        let run = try select("--python 3.99")
        #expect(run.status == 4)
        #expect(run.stderr.contains("Python 3.99 at \(pyenvRoot.path)/versions/3.99.1 has no shared library"))
        #expect(run.stderr.contains("libpython3.99.so is missing"))
        #expect(run.stderr.contains("env PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install --force 3.99.1"))
        // Nothing was set up for a Python that cannot be used.
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent(".build-py3.99").path))
    }

    @Test func theRealScriptsStopBeforeBuildingWithoutASharedLibrary() throws {
        let prefix = try makePython(at: sandbox.appendingPathComponent("static"), version: "3.99", shared: false)
        for script in ["scripts/test", "scripts/asgi", "scripts/bench"] {
            let process = Process()
            process.executableURL = Self.packageRoot.appendingPathComponent(script)
            process.arguments = ["--python", prefix.path]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 4, "\(script)")
            #expect(error.contains("has no shared library"), "\(script)")
        }
    }

    @Test func missingVersionSaysWhereItLooked() throws {
        let run = try select("--python 3.98")
        #expect(run.status == 3)
        #expect(run.stderr.contains("no Python 3.98"))
        #expect(run.stderr.contains("\(pyenvRoot.path)/versions"))
        #expect(run.stderr.contains("--enable-shared"))
    }

    @Test func pyenvVersionSetsBuildRunAndVenvPaths() throws {
        try makePython(at: pyenvRoot.appendingPathComponent("versions/3.99.1"), version: "3.99", shared: true)
        try makePython(at: pyenvRoot.appendingPathComponent("versions/3.99.10"), version: "3.99", shared: true)
        let run = try select(
            "--filter Foo --python 3.99 -v",
            then: """
                printf '%s\\n' "${python_args[*]}" "${scratch[*]}" "$VIRTUAL_ENV" "$ASGI_VENV" \
                "${LD_LIBRARY_PATH%%:*}" "$(pkg-config --modversion python3-embed)" \
                "$(pkg-config --variable=prefix python3-embed)"
                """
        )
        #expect(run.status == 0, "\(run.stderr)")
        let project = project.path
        let newest = pyenvRoot.appendingPathComponent("versions/3.99.10").path
        #expect(
            run.stdout.split(separator: "\n").map(String.init) == [
                "--filter Foo -v",
                "--scratch-path \(project)/.build-py3.99",
                "\(project)/.venv-3.99",
                "\(project)/.venv-3.99",
                "\(newest)/lib",
                "3.99",
                newest,
            ]
        )
    }

    @Test func exactVersionAndPrefixAreAccepted() throws {
        try makePython(at: pyenvRoot.appendingPathComponent("versions/3.99.1"), version: "3.99", shared: true)
        try makePython(at: pyenvRoot.appendingPathComponent("versions/3.99.2"), version: "3.99", shared: true)
        let custom = try makePython(at: sandbox.appendingPathComponent("opt/py"), version: "3.97", shared: true)
        let exact = try select("--python=3.99.1", then: "pkg-config --variable=prefix python3-embed")
        #expect(exact.stdout == pyenvRoot.appendingPathComponent("versions/3.99.1").path + "\n")
        let prefix = try select("--python \(custom.path)", then: "echo \"$VIRTUAL_ENV\"")
        #expect(prefix.stdout == project.path + "/.venv-3.97\n")
    }

    @Test func withoutPythonOptionNothingChanges() throws {
        let run = try select(
            "--leading-only GET / --python 3.99",
            then: #"printf '%s|%s|%s\n' "${python_args[*]}" "${scratch[*]-}" "${VIRTUAL_ENV-unset}""#
        )
        #expect(run.status == 0, "\(run.stderr)")
        // After the first argument that is not --python, scripts/asgi passes everything to the CLI.
        #expect(run.stdout.hasPrefix("GET / --python 3.99||"))
    }
}
