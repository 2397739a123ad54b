import Foundation
import Testing

/// httpie's habits: `-v`, `--print`, `--check-status`, `--pretty`/`NO_COLOR`, bodies from stdin,
/// binary bodies, `--file` types, exit codes.
extension CommandLineTests {
    @Test func verboseShowsTheRequestTheAppReceived() async throws {
        let run = try await Self.run([
            "-v", "POST", "/echo?x=1", "--query", "name=a b", "-H", "X-Trace: 1", "--cookie", "a=1", "--json",
            #"{"k": "v"}"#,
        ])
        #expect(run.status == 0)
        let parts = run.stdout.components(separatedBy: "\n\nHTTP/1.1 200 OK\n")
        try #require(parts.count == 2)
        let request = parts[0].components(separatedBy: "\n\n")
        #expect(request.first?.hasPrefix("POST /echo?x=1&name=a%20b HTTP/1.1\n") == true)
        #expect(request.last == "{\n  \"k\" : \"v\"\n}")  // the body, indented as JSON
        let shownHeaders = request[0].split(separator: "\n").dropFirst().map(String.init)
        let responseBody = try #require(parts[1].components(separatedBy: "\n\n").last)
        let echoed = try JSONSerialization.jsonObject(with: Data(responseBody.utf8)) as? [String: Any]
        let received = (echoed?["headers"] as? [[String]])?.map { "\($0[0]): \($0[1])" }
        #expect(shownHeaders == received)
        #expect(shownHeaders.contains("cookie: a=1"))
        #expect(echoed?["body"] as? String == #"{"k": "v"}"#)
    }

    @Test func verboseJSONOutputIncludesTheRequest() async throws {
        let run = try await Self.run(["-v", "--output", "json", "PUT", "/echo", "--data", "raw body", "-H", "X-A: b"])
        #expect(run.status == 0)
        let object = try #require(try run.object())
        let request = try #require(object["request"] as? [String: Any])
        #expect(request["method"] as? String == "PUT")
        #expect(request["path"] as? String == "/echo")
        #expect(request["body"] as? String == "raw body")
        let echoed = try #require(object["body"] as? [String: Any])
        let shown = try #require(request["headers"] as? [[String]])
        #expect(shown.contains(["x-a", "b"]), "\(shown)")
        #expect(shown == echoed["headers"] as? [[String]])
        let quiet = try await Self.run(["--output", "json", "PUT", "/echo"])
        #expect(quiet.status == 0)
        let quietObject = try #require(try quiet.object())
        #expect(quietObject["status"] as? Int == 200)
        #expect(quietObject["request"] == nil)
    }

    @Test func verboseShowsTheTracebackOfAnAppException() async throws {
        let quiet = try await Self.run(["GET", "/boom"])
        #expect(quiet.status == 2)
        #expect(quiet.stderr.split(separator: "\n").count == 1)
        #expect(quiet.stderr.hasPrefix("asgi: appException: The app raised RuntimeError: boom from the demo app"))
        let verbose = try await Self.run(["-v", "GET", "/boom"])
        #expect(verbose.status == 2)
        #expect(verbose.stdout.hasPrefix("GET /boom HTTP/1.1\nhost: testserver\n"))
        #expect(verbose.stderr.contains("Traceback (most recent call last):"))
        #expect(verbose.stderr.contains(#"raise RuntimeError("boom from the demo app")"#))
    }

    @Test func moduleNotFoundIsOneLineAndVerboseShowsTheRest() async throws {
        let quiet = try await Self.run(["--app", "python_fixtures.nope:app", "GET", "/"])
        let verbose = try await Self.run(["-v", "--app", "python_fixtures.nope:app", "GET", "/"])
        #expect(quiet.status == 2 && verbose.status == 2)
        let firstLine = try #require(quiet.stderr.split(separator: "\n").first)
        #expect(quiet.stderr.split(separator: "\n").count == 1)
        #expect(verbose.stderr.split(separator: "\n").first == firstLine)
        #expect(verbose.stderr.contains("\napp: python_fixtures.nope:app\n"))
    }

    @Test func printShowsOnlyWhatIsAsked() async throws {
        let body = try await Self.run(["--print", "b", "GET", "/hello"])
        #expect(body.stdout == "Hello, world!\n")
        let head = try await Self.run(["--print", "h", "GET", "/hello"])
        #expect(head.stdout == "HTTP/1.1 200 OK\ncontent-length: 13\ncontent-type: text/plain; charset=utf-8\n\n")
        let requestHead = try await Self.run(["-p", "H", "POST", "/echo", "--data", "raw"])
        #expect(requestHead.stdout == "POST /echo HTTP/1.1\nhost: testserver\ncontent-length: 3\n\n")
        let requestBody = try await Self.run(["-p", "B", "POST", "/echo", "--data", "raw"])
        #expect(requestBody.stdout == "raw\n")
        let bad = try await Self.run(["--print", "x", "GET", "/"])
        #expect(bad.status == 64)
    }

    @Test func checkStatusExitsWithTheStatusClass() async throws {
        for (code, exit) in [(200, 0), (302, 3), (404, 4), (503, 5)] as [(Int, Int32)] {
            let checked = try await Self.run(["--check-status", "GET", "/status/\(code)"])
            #expect(checked.status == exit, "HTTP \(code)")
            #expect(checked.stdout.hasPrefix("HTTP/1.1 \(code) "))
            #expect(checked.stderr.contains("asgi: warning: HTTP \(code)") == (exit != 0))
        }
        let unchecked = try await Self.run(["GET", "/status/503"])
        #expect(unchecked.status == 0)
    }

    @Test func prettyChoosesColoursAndFormatting() async throws {
        let args = ["POST", "/items", "--json", #"{"name":"pen"}"#, "--print", "hb", "--pretty"]
        let all = try await Self.run(args + ["all"])
        #expect(all.stdout.contains("\u{1B}[") && all.stdout.contains(#""name" : "pen""#))
        let colors = try await Self.run(args + ["colors"], environment: ["NO_COLOR": "1"])
        #expect(colors.stdout.contains("\u{1B}[") && colors.stdout.hasSuffix(#"{"name":"pen"}"# + "\n"))
        let format = try await Self.run(args + ["format"])
        #expect(!format.stdout.contains("\u{1B}[") && format.stdout.contains(#""name" : "pen""#))
        let none = try await Self.run(args + ["none"])
        #expect(!none.stdout.contains("\u{1B}[") && none.stdout.hasSuffix(#"{"name":"pen"}"# + "\n"))
    }

    @Test(.enabled(if: Terminal.isAvailable, "needs a pseudo-terminal (/dev/pts)"))
    func aTerminalGetsColoursUnlessNoColor() async throws {
        let coloured = try await Self.runOnTerminal(["GET", "/hello"])
        #expect(coloured.stdout.hasPrefix("\u{1B}[1mHTTP/1.1 200 OK\u{1B}[0m\n"))
        let plain = try await Self.runOnTerminal(["GET", "/hello"], environment: ["NO_COLOR": "1"])
        #expect(plain.stdout.hasPrefix("HTTP/1.1 200 OK\n"))
        #expect(!plain.stdout.contains("\u{1B}["))
        let emptyNoColor = try await Self.runOnTerminal(["GET", "/hello"], environment: ["NO_COLOR": ""])
        #expect(emptyNoColor.stdout.contains("\u{1B}["))
    }

    @Test(.enabled(if: Terminal.isAvailable, "needs a pseudo-terminal (/dev/pts)"))
    func aBinaryBodyIsNotDumpedToATerminal() async throws {
        let terminal = try await Self.runOnTerminal(["--print", "b", "GET", "/binary"])
        #expect(terminal.stdout == "binary data, 256 bytes\n")
        let piped = try await Self.run(["--print", "b", "GET", "/binary"])
        #expect(piped.output == Data((0...255).map { UInt8($0) }))
    }

    @Test func aBodyFromStandardInput() async throws {
        let data = try await Self.run(["POST", "/echo", "--data", "@-", "--output", "json"], input: "from stdin")
        #expect((try data.object()?["body"] as? [String: Any])?["body"] as? String == "from stdin")
        let json = try await Self.run(["POST", "/items", "--json", "@-", "--output", "json"], input: #"{"name": "piped"}"#)
        #expect(try json.object()?["body"] as? [String: String] == ["name": "piped"])
        let jsonHeaders = try await Self.run(["-p", "H", "POST", "/items", "--json", "@-"], input: "{}")
        #expect(jsonHeaders.stdout.contains("content-type: application/json\n"))
        let piped = try await Self.run(["POST", "/echo", "--output", "json"], input: "just piped")
        #expect((try piped.object()?["body"] as? [String: Any])?["body"] as? String == "just piped")
        let ignored = try await Self.run(["POST", "/echo", "--ignore-stdin", "--output", "json"], input: "ignored")
        #expect((try ignored.object()?["body"] as? [String: Any])?["body"] as? String == "")
    }

    @Test func conflictingBodiesAreAUsageError() async throws {
        let two = try await Self.run(["POST", "/echo", "--json", "{}", "--data", "x"])
        #expect(two.status == 64)
        #expect(two.stderr.contains("--json and --data cannot be mixed"))
        let stdinAndJSON = try await Self.run(["POST", "/echo", "--json", "{}"], input: "also piped")
        #expect(stdinAndJSON.status == 64)
        #expect(stdinAndJSON.stderr.contains("--ignore-stdin"))
        let ignored = try await Self.run(["POST", "/items", "--json", #"{"name": "pen"}"#, "--ignore-stdin"], input: "x")
        #expect(ignored.status == 0)
        let emptyPipe = try await Self.run(["POST", "/items", "--json", #"{"name": "pen"}"#], input: "")
        #expect(emptyPipe.status == 0)
        #expect(emptyPipe.stdout.hasPrefix("HTTP/1.1 201 Created\n"))
    }

    @Test func noStandardInputAtAllStillWorks() async throws {
        for input in [CommandLineTests.Input.closed, .devNull] {
            let run = try await Self.run(["GET", "/"], input: input)
            #expect(run.status == 0, "\(input)")
            #expect(run.stdout.hasPrefix("HTTP/1.1 200 OK\n"), "\(input)")
            #expect(run.stderr.isEmpty, "\(input)")
        }
    }

    @Test func fileTypesGivenOrGuessedFromTheExtension() async throws {
        let picture = try Self.temporaryFile("asgi-cli-picture.png", "not really a png")
        let data = try Self.temporaryFile("asgi-cli-data.json", "{}")
        let unknown = try Self.temporaryFile("asgi-cli-blob.unknownext", "?")
        let run = try await Self.run([
            "--app", "python_fixtures.starlette_app:app", "POST", "/upload", "--output", "json",
            "--file", "given=@\(data.path);type=application/vnd.custom+json",
            "--file", "picture=@\(picture.path)", "--file", "data=@\(data.path)", "--file", "blob=@\(unknown.path)",
        ])
        #expect(run.status == 0)
        let parts = try run.object()?["body"] as? [[String: Any]]
        let types = parts?.map { "\($0["name"] as? String ?? ""): \($0["content_type"] as? String ?? "")" }
        #expect(
            types == [
                "given: application/vnd.custom+json", "picture: image/png", "data: application/json",
                "blob: application/octet-stream",
            ]
        )
        #expect(parts?.first?["filename"] as? String == "asgi-cli-data.json")
    }

    @Test func exitCodesAreInTheHelpAndUsageErrorsExit64() async throws {
        let help = try await Self.run(["--help"])
        #expect(help.status == 0)
        for line in ["Exit codes:", "  0   a response came", "  2   the request failed", "  64  a usage error"] {
            #expect(help.stdout.contains(line), "\(line)")
        }
        for arguments in [["--bogus"], ["--pretty", "loud"], ["GET", "/", "-H", "no colon"], ["NOT A METHOD", "/"]] {
            #expect(try await Self.run(arguments).status == 64, "\(arguments)")
        }
    }
}
