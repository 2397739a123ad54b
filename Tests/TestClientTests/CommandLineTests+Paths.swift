import Foundation
import Testing

/// `asgi` run from a service's own directory: the app, its `.venv`, `--pythonpath`, `--venv`,
/// `@file`, `--file` and a session path are all the caller's, not the package's.
extension CommandLineTests {
    /// A service directory as a user has one: `caller_service/main.py` (a raw ASGI app that reports
    /// its `sys.prefix`, a module from `lib/` and the body it got), `lib/caller_helper.py`,
    /// `notes.txt`, and `.venv`: a virtual environment of the interpreter the tests run with.
    static func serviceDirectory() throws -> URL {
        let folder = try temporaryDirectory()
        let files = [
            "caller_service/main.py": """
            import json
            import sys

            import caller_helper


            async def app(scope, receive, send):
                if scope["type"] != "http":
                    return
                body = b""
                while True:
                    message = await receive()
                    body += message.get("body", b"")
                    if not message.get("more_body"):
                        break
                report = {"prefix": sys.prefix, "helper": caller_helper.NAME, "body": body.decode("latin-1")}
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": json.dumps(report).encode()})

            """,
            "lib/caller_helper.py": "NAME = 'from lib'\n",
            "notes.txt": "notes from the caller\n",
        ]
        for (path, contents) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(contents.utf8).write(to: file)
        }
        // A venv is its pyvenv.cfg next to bin/python: the same interpreter, another prefix.
        let source = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["VIRTUAL_ENV"]
                ?? root.appendingPathComponent(".venv").path
        )
        let venv = folder.appendingPathComponent(".venv")
        try FileManager.default.createDirectory(
            at: venv.appendingPathComponent("bin"),
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("pyvenv.cfg"),
            to: venv.appendingPathComponent("pyvenv.cfg")
        )
        try FileManager.default.createSymbolicLink(
            at: venv.appendingPathComponent("bin/python"),
            withDestinationURL: source.appendingPathComponent("bin/python").resolvingSymlinksInPath()
        )
        return folder
    }

    @Test func pathsAreTheCallersWhenRunFromAnotherDirectory() async throws {
        let folder = try Self.serviceDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let venv = folder.appendingPathComponent(".venv").resolvingSymlinksInPath().path
        // No VIRTUAL_ENV: the venv must be found as ./.venv.
        let environment = ["VIRTUAL_ENV": ""]
        let app = ["--app", "caller_service.main:app", "--output", "json"]

        let found = try await Self.run(
            app + ["--pythonpath", "lib", "POST", "/", "--file", "doc=@notes.txt"],
            environment: environment,
            directory: folder
        )
        #expect(found.status == 0, "\(found.stderr)")
        let report = try #require(try found.object()?["body"] as? [String: Any])
        #expect((report["prefix"] as? String).map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == venv)
        #expect(report["helper"] as? String == "from lib")
        let multipart = try #require(report["body"] as? String)
        #expect(multipart.contains(#"filename="notes.txt""#))
        #expect(multipart.contains("notes from the caller\n"))

        let explicit = try await Self.run(
            app + ["--venv", ".venv", "--pythonpath", "./lib", "--session", "./session.json"]
                + ["POST", "/", "--data", "@notes.txt"],
            environment: environment,
            directory: folder
        )
        #expect(explicit.status == 0, "\(explicit.stderr)")
        let again = try #require(try explicit.object()?["body"] as? [String: Any])
        #expect((again["prefix"] as? String).map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == venv)
        #expect(again["body"] as? String == "notes from the caller\n")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("session.json").path))
    }
}
