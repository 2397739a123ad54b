import ArgumentParser
import Foundation
import HTTPTypes
import TestClient

#if canImport(Glibc)
import Glibc
#endif

/// `asgi`: sends one request to a Python ASGI app in-process and prints the response.
@main
struct ASGICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asgi",
        abstract: "Send a request to a Python ASGI app in-process, with no server, and print the response.",
        discussion: "Without --app it serves the bundled demo app (python_fixtures.demo_app:app)."
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

    @Option(help: "A JSON body (Content-Type: application/json).")
    var json: String?

    @Option(help: "A raw body, or @file to read it from a file.")
    var data: String?

    @Option(help: "A url-encoded form field k=v. Repeatable.")
    var form: [String] = []

    @Option(help: "A multipart file field name=@path (with --form fields sent as multipart too). Repeatable.")
    var file: [String] = []

    @Flag(help: "Follow redirects.")
    var follow = false

    @Option(help: "A cookie k=v sent with the request. Repeatable.")
    var cookie: [String] = []

    @Flag(help: "Open a websocket on PATH: send each stdin line as a text message and print what comes back.")
    var ws = false

    @Option(help: "Output: pretty (status, headers, body) or json (one JSON object).")
    var output: OutputFormat = .pretty

    @Option(help: "The virtual environment (default: VIRTUAL_ENV, then ./.venv).")
    var venv: String?

    @Option(help: "A directory to add to sys.path. Repeatable.")
    var pythonpath: [String] = []

    @Option(help: "Seconds the app may take.")
    var timeout: Double = 30

    enum OutputFormat: String, ExpressibleByArgument {
        case pretty
        case json
    }

    func run() async throws {
        do {
            try await send()
        } catch let error as TestClientError {
            let line = "asgi: \(error.code): \(error.message)\n"
            FileHandle.standardError.write(Data(line.utf8))
            throw ExitCode(2)
        }
    }

    private func send() async throws {
        // `asgi --ws /path`: the one positional argument is the path.
        let (methodText, path) = method.hasPrefix("/") ? ("GET", method) : (method, self.path)
        guard let method = HTTPRequest.Method(methodText.uppercased()) else {
            throw ValidationError("\"\(methodText)\" is not an HTTP method.")
        }
        var fields = HTTPFields()
        for header in headers {
            guard let colon = header.firstIndex(of: ":"), let name = HTTPField.Name(String(header[..<colon])) else {
                throw ValidationError("The header \"\(header)\" is not 'Name: value'.")
            }
            fields.append(
                HTTPField(name: name, value: header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            )
        }
        if !cookie.isEmpty {
            fields.append(HTTPField(name: .cookie, value: cookie.joined(separator: "; ")))
        }
        var configuration = TestClientConfiguration()
        configuration.virtualEnvironment = venv
        configuration.pythonPath = pythonpath
        configuration.timeout = .milliseconds(Int(timeout * 1000))
        configuration.followRedirects = follow
        let pairs = query.map(Self.pair)
        if ws {
            try await withTestClient(app: app, configuration: configuration) { client in
                try await client.websocket(path, query: pairs, headers: fields) { socket in
                    try await Self.relay(socket, output: output)
                }
            }
            return
        }
        let response = try await withTestClient(app: app, configuration: configuration) { client in
            if !file.isEmpty {
                var parts = form.map(Self.pair).map { MultipartPart.field(name: $0.0, value: $0.1) }
                for entry in file {
                    let (name, value) = Self.pair(entry)
                    guard value.hasPrefix("@") else {
                        throw ValidationError("--file takes name=@path, got \"\(entry)\".")
                    }
                    let path = String(value.dropFirst())
                    let filename = path.split(separator: "/").last.map(String.init) ?? path
                    parts.append(.file(name: name, filename: filename, data: try Self.read(path)))
                }
                return try await client.request(method, path, query: pairs, headers: fields, multipart: parts)
            }
            if let json {
                fields[.contentType] = fields[.contentType] ?? "application/json"
                return try await client.request(method, path, query: pairs, headers: fields, body: Array(json.utf8))
            }
            if !form.isEmpty {
                return try await client.request(method, path, query: pairs, headers: fields, form: form.map(Self.pair))
            }
            if let data {
                let bytes = data.hasPrefix("@") ? try Self.read(String(data.dropFirst())) : Array(data.utf8)
                return try await client.request(method, path, query: pairs, headers: fields, body: bytes)
            }
            return try await client.request(method, path, query: pairs, headers: fields)
        }
        switch output {
        case .pretty: print(Self.pretty(response), terminator: "")
        case .json: print(Self.json(response))
        }
    }

    /// `--ws`: each stdin line goes out as a text message; each reply is printed on its own line.
    static func relay(_ socket: WebSocket, output: OutputFormat) async throws {
        func show(_ message: WebSocketMessage) {
            switch (message, output) {
            case (.text(let text), .pretty): print(text)
            case (.bytes(let bytes), .pretty): print("<\(bytes.count) bytes> " + Data(bytes).base64EncodedString())
            case (.text(let text), .json): print(jsonLine(["type": "text", "text": text]))
            case (.bytes(let bytes), .json):
                print(jsonLine(["type": "bytes", "base64": Data(bytes).base64EncodedString()]))
            }
        }
        do {
            while let line = readLine(strippingNewline: true) {
                try await socket.send(text: line)
                show(try await socket.receive())
            }
            while true { show(try await socket.receive(timeout: .milliseconds(200))) }
        } catch let error as TestClientError where error.code == .timeout || error.code == .websocketClosed {
            if error.code == .websocketClosed, output == .json {
                print(jsonLine(["type": "close", "code": error.closeCode ?? 1005, "reason": error.closeReason ?? ""]))
            }
        }
    }

    static func jsonLine(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func pair(_ text: String) -> (String, String) {
        guard let equals = text.firstIndex(of: "=") else { return (text, "") }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read \(path).")
        }
        return Array(data)
    }

    static func pretty(_ response: TestResponse) -> String {
        let colour = isatty(1) == 1
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var text = paint("HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)", "1") + "\n"
        for (name, value) in response.rawHeaders {
            text +=
                paint(String(decoding: name, as: UTF8.self), "36") + ": "
                + String(String.UnicodeScalarView(value.map { Unicode.Scalar($0) })) + "\n"
        }
        text += "\n"
        for hop in response.history {
            text =
                paint("→ \(hop.status.code) \(hop.method.rawValue) \(hop.path) → \(hop.headers[.location] ?? "")", "2")
                + "\n" + text
        }
        if response.headers[.contentType]?.contains("json") == true,
            let object = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]
            )
        {
            text += String(decoding: pretty, as: UTF8.self) + "\n"
        } else if !response.body.isEmpty {
            text += response.text + (response.text.hasSuffix("\n") ? "" : "\n")
        }
        return text
    }

    static func json(_ response: TestResponse) -> String {
        var object: [String: Any] = [
            "status": Int(response.status.code),
            "headers": response.rawHeaders.map {
                [
                    String(String.UnicodeScalarView($0.name.map { Unicode.Scalar($0) })),
                    String(String.UnicodeScalarView($0.value.map { Unicode.Scalar($0) })),
                ]
            },
        ]
        if let text = String(validating: response.body, as: UTF8.self) {
            object["body"] = text
        } else {
            object["body_base64"] = Data(response.body).base64EncodedString()
        }
        object["history"] = response.history.map { hop -> [String: Any] in
            ["status": Int(hop.status.code), "path": hop.path, "location": hop.headers[.location] ?? ""]
        }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
