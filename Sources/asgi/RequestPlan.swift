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
    /// The headers given with `-H`, which a session keeps.
    var given: HTTPFields
    /// The cookies sent (a session's and `--cookie`'s), which take the ones the app sets.
    var cookies: CookieJar

    init(_ command: ASGICommand, session: Session? = nil) throws {
        // `asgi --ws /path` and `asgi /path`: the one positional argument is the path.
        let (methodText, path) =
            command.method.hasPrefix("/") ? ("GET", command.method) : (command.method, command.path)
        guard let method = HTTPRequest.Method(methodText.uppercased()) else {
            throw ValidationError("\"\(methodText)\" is not an HTTP method.")
        }
        self.method = method
        self.target = Self.target(path, query: command.query.map(Pair.split))
        self.given = try Self.fields(headers: command.headers)
        self.fields = session?.fields(under: given) ?? given
        self.cookies = session?.jar() ?? CookieJar()
        for cookie in command.cookie {
            let (name, value) = Pair.split(cookie)
            cookies.set(name, value, domain: Self.host)
        }
        if let header = cookies.cookieHeader(host: Self.host, path: Self.path(of: target), secure: false) {
            fields.append(HTTPField(name: .cookie, value: header))
        }
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

    /// The host the client sends to (`http`, so no `Secure` cookie goes).
    static let host = TestClientConfiguration().host

    /// The path of a target, which cookies are matched against.
    static func path(of target: String) -> String {
        String(target.prefix { $0 != "?" && $0 != "#" })
    }

    /// Takes the cookies that `response`, and the redirects before it, set.
    func storeCookies(of response: TestResponse) {
        for hop in response.history + [response] {
            for (name, value) in hop.rawHeaders where MessageRenderer.latin1(name).lowercased() == "set-cookie" {
                cookies.setCookie(
                    from: String(decoding: value, as: UTF8.self),
                    requestHost: Self.host,
                    requestPath: Self.path(of: hop.path)
                )
            }
        }
    }

    static func fields(headers: [String]) throws -> HTTPFields {
        var fields = HTTPFields()
        for header in headers {
            guard let colon = header.firstIndex(of: ":"), let name = HTTPField.Name(String(header[..<colon])) else {
                throw ValidationError("The header \"\(header)\" is not 'Name: value'.")
            }
            let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append(HTTPField(name: name, value: value))
        }
        return fields
    }
}
