import ArgumentParser
import Foundation
import HTTPTypes
import TestClient

/// The request the command sends, settled before the app is loaded: the method, the target with
/// its query encoded, the headers and the body bytes. The client is given exactly these, so what
/// `-v` shows is what the app receives.
struct RequestPlan {
    var method: HTTPRequest.Method
    /// The path with the `--query` pairs already encoded into it.
    var target: String
    var fields: HTTPFields
    var body: [UInt8]?

    init(_ command: ASGICommand) throws {
        // `asgi --ws /path` and `asgi /path`: the one positional argument is the path.
        let (methodText, path) =
            command.method.hasPrefix("/") ? ("GET", command.method) : (command.method, command.path)
        guard let method = HTTPRequest.Method(methodText.uppercased()) else {
            throw ValidationError("\"\(methodText)\" is not an HTTP method.")
        }
        self.method = method
        self.target = Self.target(path, query: command.query.map(Pair.split))
        self.fields = try Self.fields(headers: command.headers, cookies: command.cookie)
        if command.ws {
            guard BodySource.options(command).isEmpty else {
                throw ValidationError(
                    "--ws sends the lines of standard input; it takes no --json, --data, --form or --file."
                )
            }
            return
        }
        let body = try BodySource.resolve(command)
        self.body = body?.bytes
        if let contentType = body?.contentType, fields[.contentType] == nil {
            fields[.contentType] = contentType
        }
    }

    /// The headers the app receives, in its order: what the client adds (`host` first, cookies
    /// joined into one header, `content-length`) around the command's own.
    func sentHeaders(host: String) -> [(name: String, value: String)] {
        var sent: [(name: String, value: String)] = []
        if fields[HTTPField.Name("host")!] == nil { sent.append(("host", host)) }
        for field in fields where field.name != .cookie {
            sent.append((field.name.canonicalName, field.value))
        }
        let cookies = fields[values: .cookie]
        if !cookies.isEmpty { sent.append(("cookie", cookies.joined(separator: "; "))) }
        if let body, !body.isEmpty, fields[.contentLength] == nil, fields[.transferEncoding] == nil {
            sent.append(("content-length", String(body.count)))
        }
        return sent
    }

    /// The path with each pair appended as `name=value`, percent-encoded as the client would, and
    /// the path itself encoded where it has to be, so the request line shows the bytes sent.
    static func target(_ path: String, query: [(String, String)]) -> String {
        let pathCharacters = CharacterSet(charactersIn: "!$&'()*+,;=:@/%?").union(Pair.unreserved)
        var target = path.addingPercentEncoding(withAllowedCharacters: pathCharacters) ?? path
        for (index, (name, value)) in query.enumerated() {
            target += (index == 0 && !target.contains("?")) ? "?" : "&"
            target += Pair.encode(name, allowed: Pair.unreserved) + "=" + Pair.encode(value, allowed: Pair.unreserved)
        }
        return target
    }

    static func fields(headers: [String], cookies: [String]) throws -> HTTPFields {
        var fields = HTTPFields()
        for header in headers {
            guard let colon = header.firstIndex(of: ":"), let name = HTTPField.Name(String(header[..<colon])) else {
                throw ValidationError("The header \"\(header)\" is not 'Name: value'.")
            }
            let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append(HTTPField(name: name, value: value))
        }
        if !cookies.isEmpty {
            fields.append(HTTPField(name: .cookie, value: cookies.joined(separator: "; ")))
        }
        return fields
    }
}
