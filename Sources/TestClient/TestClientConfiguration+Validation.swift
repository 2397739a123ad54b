import HTTPTypes
import PyASGIBridge

extension TestClientConfiguration {
    /// Refuses values that would reach the scope as no server would pass them on: control
    /// characters (CR, LF, NUL, DEL, ...) in a host, `root_path` or default header, and ports
    /// outside 0–65535. Checked when a client opens, as request targets are checked per request.
    func validate() throws(TestClientError) {
        try Self.check(host, field: "host")
        try Self.check(rootPath, field: "rootPath")
        try Self.check(port: port, field: "port")
        if let client {
            try Self.check(client.host, field: "client.host")
            try Self.check(port: client.port, field: "client.port")
        }
        if let server {
            try Self.check(server.host, field: "server.host")
            try Self.check(port: server.port, field: "server.port")
        }
        for field in headers {
            try Self.check(field.value, field: "headers[\(field.name)]")
        }
    }

    private static func check(_ value: String, field: String) throws(TestClientError) {
        guard let bad = value.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return }
        let position = value.unicodeScalars.distance(
            from: value.unicodeScalars.startIndex,
            to: value.unicodeScalars.firstIndex(of: bad)!
        )
        throw TestClientError(
            .invalidRequest,
            "TestClientConfiguration.\(field) \"\(value.debugDescription.dropFirst().dropLast())\" contains the control character \(RequestTarget.name(bad)) at position \(position), which no server passes on to an app."
        )
    }

    private static func check(port: Int?, field: String) throws(TestClientError) {
        guard let port, !(0...65535).contains(port) else { return }
        throw TestClientError(
            .invalidRequest,
            "TestClientConfiguration.\(field) \(port) is not a port: ports are 0 to 65535."
        )
    }

    /// The host as a scope's `server` carries it: an IPv6 literal without its brackets, as an
    /// absolute URL's host is.
    static func scopeHost(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
