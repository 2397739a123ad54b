import Foundation
import HTTPTypes
import TestClient

/// The pretty output: the request and the response as HTTP messages, each part only when
/// `--print` asks for it.
struct MessageRenderer {
    let style: OutputStyle
    /// The `host` header the client sends when the request has none.
    var host = TestClientConfiguration().host

    /// The request line and headers (`H`), then the body (`B`), as the app receives them.
    func request(_ plan: RequestPlan) -> [UInt8] {
        var head: String?
        if style.parts.contains("H") {
            var text = style.paint("\(plan.method.rawValue) \(plan.target) HTTP/1.1", "1") + "\n"
            for (name, value) in plan.sentHeaders(host: host) {
                text += style.paint(name, "36") + ": " + value + "\n"
            }
            head = text
        }
        let body = plan.body ?? []
        let shown =
            style.parts.contains("B")
            ? render(body, contentType: plan.fields[.contentType], text: String(decoding: body, as: UTF8.self)) : []
        return message(head: head, body: shown)
    }

    /// The redirects followed, the status line and headers (`h`), then the body (`b`); a blank
    /// line first when the request was printed above it.
    func response(_ response: TestResponse, afterRequest: Bool) -> [UInt8] {
        var head: String?
        if style.parts.contains("h") {
            var text = ""
            for hop in response.history {
                let location = hop.headers[.location] ?? ""
                text += style.paint("→ \(hop.status.code) \(hop.method.rawValue) \(hop.path) → \(location)", "2") + "\n"
            }
            text += style.paint("HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)", "1") + "\n"
            for (name, value) in response.rawHeaders {
                text += style.paint(Self.latin1(name), "36") + ": " + Self.latin1(value) + "\n"
            }
            head = text
        }
        let body =
            style.parts.contains("b")
            ? render(response.body, contentType: response.headers[.contentType], text: response.text) : []
        let rendered = message(head: head, body: body)
        return afterRequest && !rendered.isEmpty ? Array("\n".utf8) + rendered : rendered
    }

    /// One chunk of a body printed as it arrives: as it is, but "binary data, N bytes" for a binary
    /// chunk on a terminal.
    func chunk(_ bytes: [UInt8], contentType: String?) -> [UInt8] {
        guard style.toTerminal, Self.isBinary(bytes, contentType: contentType) else { return bytes }
        return Array("binary data, \(bytes.count) bytes\n".utf8)
    }

    private func message(head: String?, body: [UInt8]) -> [UInt8] {
        guard let head else { return body }
        return Array((head + "\n").utf8) + body
    }

    /// A body for the screen: "binary data, N bytes" on a terminal (the bytes as they are in a
    /// pipe), JSON indented when formatting, else the text with a final newline.
    func render(_ body: [UInt8], contentType: String?, text: @autoclosure () -> String) -> [UInt8] {
        guard !body.isEmpty else { return [] }
        if Self.isBinary(body, contentType: contentType) {
            return style.toTerminal ? Array("binary data, \(body.count) bytes\n".utf8) : body
        }
        if style.format, contentType?.contains("json") == true, let pretty = Self.indentedJSON(body) {
            return Array((pretty + "\n").utf8)
        }
        let text = text()
        return Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
    }

    /// Binary as httpie judges it: a NUL byte, or bytes that are no UTF-8 with no charset named.
    static func isBinary(_ body: [UInt8], contentType: String?) -> Bool {
        if body.contains(0) { return true }
        let namesCharset = contentType?.lowercased().contains("charset=") == true
        return !namesCharset && String(validating: body, as: UTF8.self) == nil
    }

    static func indentedJSON(_ body: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]
            )
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Header bytes one to one as characters, as HTTP/1.1 defines them.
    static func latin1(_ bytes: [UInt8]) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
