import ArgumentParser
import Foundation
import HTTPTypes
import PyASGIBridge
import TestClient

/// `asgi`: sends one request to a Python ASGI app in-process and prints the response, with
/// httpie's habits (`-v`, `--print`, `--check-status`, `--pretty`, a body from stdin).
@main
struct ASGICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asgi",
        abstract: "Send a request to a Python ASGI app in-process, with no server, and print the response.",
        discussion: """
            Without --app it serves the bundled demo app (python_fixtures.demo_app:app).

            A body comes from one of --json, --data, --form/--file, or from piped standard input \
            (sent as it is, like --data @-) unless --ignore-stdin; an empty stdin is no body.

            \(ExitStatus.table)
            """
    )

    @Option(help: "The app as module:attribute or module:factory().")
    var app: String = "python_fixtures.demo_app:app"

    @Argument(help: "The HTTP method.")
    var method: String = "GET"

    @Argument(help: "The path, optionally with a query.")
    var path: String = "/"

    @Option(name: [.customShort("H"), .customLong("header")], help: "A request header, 'Name: value'. Repeatable.")
    var headers: [String] = []

    @Option(help: "A query pair k=v, appended percent-encoded. Repeatable.")
    var query: [String] = []

    @Option(help: "A JSON body (Content-Type: application/json); @file reads a file, @- standard input.")
    var json: String?

    @Option(help: "A raw body; @file reads a file, @- standard input.")
    var data: String?

    @Option(help: "A url-encoded form field k=v. Repeatable.")
    var form: [String] = []

    @Option(
        help:
            "A multipart file field name=@path or name=@path;type=mime (with --form fields sent as multipart too). Repeatable."
    )
    var file: [String] = []

    @Flag(help: "Never read a body from standard input, even when it is piped.")
    var ignoreStdin = false

    @Flag(help: "Follow redirects.")
    var follow = false

    @Option(help: "A cookie k=v sent with the request. Repeatable.")
    var cookie: [String] = []

    @Flag(
        help: """
            Open a websocket on PATH: send each stdin line as a text message, print replies as they come; after \
            the end of input wait until the app closes or --timeout seconds (1 by default) pass in silence.
            """
    )
    var ws = false

    @Flag(name: .shortAndLong, help: "Print the request as sent before the response, and the details of a failure.")
    var verbose = false

    @Option(
        name: [.customShort("p"), .customLong("print")],
        help: "What to print: H request headers, B request body, h response headers, b response body (default hb)."
    )
    var printed: String?

    @Option(help: "all (colours and formatting), colors, format or none (default: all on a terminal, else format).")
    var pretty: Pretty?

    @Flag(help: "Exit 3, 4 or 5 when the response status is 3xx, 4xx or 5xx.")
    var checkStatus = false

    @Option(help: "Output: pretty (status, headers, body) or json (one JSON object).")
    var output: OutputFormat = .pretty

    @Option(help: "The virtual environment (default: VIRTUAL_ENV, then ./.venv).")
    var venv: String?

    @Option(help: "A directory to add to sys.path. Repeatable.")
    var pythonpath: [String] = []

    @Option(help: "Seconds the app may take (default 30).")
    var timeout: Double?

    static func main() async {
        StandardInput.reserveDescriptor()
        await main(nil)
    }

    func validate() throws {
        _ = try OutputStyle.parts(printed, verbose: verbose)
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds.") }
    }

    func run() async throws {
        // A command prints one line on failure; -v names the venv and sys.path in its details.
        Interpreter.announcesEnvironment = false
        let failures = FailureReporter(
            verbose: verbose,
            appContext: [
                "app: \(app)",
                "virtual environment: \(venv ?? "VIRTUAL_ENV, else ./.venv")",
                "pythonpath: \(pythonpath.isEmpty ? "(none added)" : pythonpath.joined(separator: ":"))",
                "working directory: \(FileManager.default.currentDirectoryPath)",
            ]
        )
        do {
            let request = try RequestPlan(self)
            if ws {
                let outcome = try await WebSocketRelay.run(request, command: self)
                let status = ExitStatus.forWebSocket(outcome, reporter: failures)
                if status != ExitStatus.success { throw ExitCode(status) }
                return
            }
            try await exchange(request)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            failures.report(error)
            throw ExitCode(ExitStatus.failedRequest)
        }
    }

    /// One HTTP request: the request shown first (`-v`, `--print H/B`), then the response.
    private func exchange(_ request: RequestPlan) async throws {
        let style = try OutputStyle(self)
        let renderer = MessageRenderer(style: style)
        if output == .pretty, style.showsRequest { StandardOutput.write(renderer.request(request)) }
        let response = try await withTestClient(app: app, configuration: clientConfiguration) { client in
            try await client.request(request.method, request.target, headers: request.fields, body: request.body)
        }
        switch output {
        case .pretty: StandardOutput.write(renderer.response(response, afterRequest: style.showsRequest))
        case .json: StandardOutput.write(JSONRenderer.render(response, request: style.showsRequest ? request : nil))
        }
        if checkStatus, let code = ExitStatus.forStatus(response.status) {
            if !StandardOutput.isTerminal {
                FailureReporter.warn("HTTP \(response.status.code) \(response.status.reasonPhrase)")
            }
            throw ExitCode(code)
        }
    }

    var clientConfiguration: TestClientConfiguration {
        var configuration = TestClientConfiguration()
        configuration.virtualEnvironment = venv
        configuration.pythonPath = pythonpath
        configuration.timeout = appTimeout
        configuration.followRedirects = follow
        return configuration
    }

    /// How long the app may take to answer: `--timeout`, 30 s by default.
    var appTimeout: Duration { .milliseconds(Int((timeout ?? 30) * 1000)) }

    enum OutputFormat: String, ExpressibleByArgument {
        case pretty
        case json
    }

    /// httpie's `--pretty`: colours, formatting, both or neither.
    enum Pretty: String, ExpressibleByArgument {
        case all
        case colors
        case format
        case none
    }
}
