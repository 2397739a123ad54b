import ArgumentParser
import Foundation
import HTTPTypes
import PyASGIBridge
import TestClient

/// `asgi`: sends one request to a Python ASGI app in-process (or served by uvicorn with `--live`, or
/// to a running server with `--url`) and prints the response, with httpie's habits (`-v`, `--print`,
/// `--check-status`, `--pretty`, a body from stdin).
@main
struct ASGICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asgi",
        abstract: "Send a request to a Python ASGI app in-process, with no server, and print the response.",
        discussion: """
            Without --app it serves the bundled demo app (python_fixtures.demo_app:app). With --live the \
            app is served by uvicorn (from the virtual environment) for the call, on 127.0.0.1 and a free \
            port, and the request goes over HTTP; with --url it goes to a server already running there, \
            and no app is loaded.

            A body comes from one of --json, --data, --form/--file, or from piped standard input \
            (sent as it is, like --data @-) unless --ignore-stdin; an empty stdin is no body.

            A text/event-stream response, and any response with --stream, is printed as it arrives, \
            until the app ends it, Ctrl-C, or --timeout seconds pass with nothing new.

            Paths (--venv, --pythonpath, @file, --file, a --session path) are relative to the working \
            directory, which is also the first place Python looks for --app's module.

            \(ExitStatus.table)
            """
    )

    @Option(help: "The app as module:attribute or module:factory().")
    var app: String = "python_fixtures.demo_app:app"

    @Option(help: "Send to the server running at this http or https URL instead of an app in-process.")
    var url: String?

    @Flag(help: "Serve --app with uvicorn for the call and send the request to it over HTTP.")
    var live = false

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

    @Flag(help: "Follow redirects (the response is then printed when it ends).")
    var follow = false

    @Flag(
        help: """
            Print the response as it arrives, whatever its type (a text/event-stream response always is); \
            with --output json, one object a line: the head, each event or chunk, the end.
            """
    )
    var stream = false

    @Option(
        help: """
            A session: a NAME (kept in ~/.config/asgi/sessions/APP/NAME.json) or a PATH (with a slash). \
            Its headers and cookies are sent; the -H headers and cookies of this call are kept in it.
            """
    )
    var session: String?

    @Flag(help: "Send the session's headers and cookies without saving anything to it.")
    var sessionReadOnly = false

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

    @Option(help: "Seconds the app may take (default 30); a streamed body ends after as many seconds with nothing new.")
    var timeout: Double?

    static func main() async {
        StandardInput.reserveDescriptor()
        await main(nil)
    }

    func validate() throws {
        _ = try OutputStyle.parts(printed, verbose: verbose)
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds.") }
        if sessionReadOnly, session == nil { throw ValidationError("--session-read-only needs --session.") }
        #if !Live
        if url != nil || live {
            throw ValidationError(
                "this asgi was built without live mode (--url, --live): build it with the package trait, swift build --traits Live."
            )
        }
        #endif
        if let url {
            if live { throw ValidationError("--url sends to a running server; it takes no --live.") }
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()),
                parsed.host?.isEmpty == false
            else { throw ValidationError("--url must be an http or https URL with a host, as http://127.0.0.1:8000.") }
        }
        if stream, ws { throw ValidationError("--ws prints messages as they come; it takes no --stream.") }
        if stream, follow {
            throw ValidationError("--stream prints the first response as it arrives; it cannot --follow its redirects.")
        }
    }

    func run() async throws {
        // A command prints one line on failure; -v names the venv and sys.path in its details.
        Interpreter.announcesEnvironment = false
        let failures = FailureReporter(
            verbose: verbose,
            appContext: [
                target.context,
                "virtual environment: \(venv.map(CallerPath.absolute) ?? "VIRTUAL_ENV, else ./.venv")",
                "pythonpath: \(pythonpath.isEmpty ? "(none added)" : pythonpath.map(CallerPath.absolute).joined(separator: ":"))",
                "working directory: \(FileManager.default.currentDirectoryPath)",
            ]
        )
        let interruption = Interruption()
        do {
            var session = try session.map {
                try Session(
                    $0,
                    app: sessionOwner,
                    readOnly: sessionReadOnly,
                    environment: ProcessInfo.processInfo.environment
                )
            }
            let request = try RequestPlan(self, session: session)
            if ws {
                let outcome = try await WebSocketRelay.run(request, command: self)
                try session?.keep(request)
                let status = ExitStatus.forWebSocket(outcome, reporter: failures)
                if status != ExitStatus.success { throw ExitCode(status) }
                return
            }
            let response = try await exchange(request, interruption: interruption)
            request.storeCookies(of: response)
            try session?.keep(request)
            try checkStatus(response)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            guard !interruption.happened else {
                failures.fail("interrupted", "Interrupted before the response was complete.")
                throw ExitCode(ExitStatus.interrupted)
            }
            failures.report(error)
            throw ExitCode(ExitStatus.failedRequest)
        }
    }

    /// One HTTP request: the request shown first (`-v`, `--print H/B`), then the response, read as
    /// it comes (``StreamedExchange``) unless redirects are followed.
    private func exchange(_ request: RequestPlan, interruption: Interruption) async throws -> TestResponse {
        let style = try OutputStyle(self)
        let renderer = MessageRenderer(style: style)
        if output == .pretty, style.showsRequest { StandardOutput.write(renderer.request(request)) }
        guard follow else {
            let exchange = StreamedExchange(
                plan: request,
                style: style,
                json: output == .json,
                streamsAll: stream,
                timeout: appTimeout,
                interruption: interruption
            )
            return try await interruption.run { [target, clientConfiguration] in
                try await exchange.run(target, configuration: clientConfiguration)
            }
        }
        let response = try await target.withClient(configuration: clientConfiguration) { client in
            try await client.request(request.method, request.target, headers: request.fields, body: request.body)
        }
        switch output {
        case .pretty: StandardOutput.write(renderer.response(response, afterRequest: style.showsRequest))
        case .json: StandardOutput.write(JSONRenderer.render(response, request: style.showsRequest ? request : nil))
        }
        return response
    }

    /// `--check-status`: exits 3, 4 or 5 for a 3xx, 4xx or 5xx response.
    private func checkStatus(_ response: TestResponse) throws {
        if checkStatus, let code = ExitStatus.forStatus(response.status) {
            if !StandardOutput.isTerminal {
                FailureReporter.warn("HTTP \(response.status.code) \(response.status.reasonPhrase)")
            }
            throw ExitCode(code)
        }
    }

    /// Where the request goes (`--url` was checked by `validate()`).
    var target: ClientTarget {
        if let url, let parsed = URL(string: url) { return .url(parsed) }
        return live ? .live(app: app) : .inProcess(app: app)
    }

    /// Whose sessions a session name picks: the app's, or with `--url` the server's (`host:port`).
    var sessionOwner: String {
        guard let url, let parsed = URL(string: url), let host = parsed.host else { return app }
        return parsed.port.map { "\(host):\($0)" } ?? host
    }

    var clientConfiguration: TestClientConfiguration {
        var configuration = TestClientConfiguration()
        configuration.virtualEnvironment = venv.map(CallerPath.absolute)
        configuration.pythonPath = pythonpath.map(CallerPath.absolute)
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
