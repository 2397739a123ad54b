import HTTPTypes

extension TestResponse: CustomStringConvertible {
    /// The response as an HTTP message: the status line, the headers as the app sent them, a blank
    /// line, then the body as text, or `N bytes` when it is not text. A long body is cut at 4 KiB.
    /// This is what a failed `#expect` or a snapshot shows.
    ///
    /// ```
    /// HTTP/1.1 200 OK
    /// content-type: application/json
    /// content-length: 17
    ///
    /// {"hello":"world"}
    /// ```
    public var description: String { excerpt(limit: 4096) }

    /// The response as ``description`` shows it, the body cut at `limit` bytes.
    func excerpt(limit: Int = 1024) -> String {
        var lines = ["HTTP/1.1 \(status.code) \(status.reasonPhrase)".trimmingSuffix(" ")]
        for (name, value) in rawHeaders {
            lines.append(String(decoding: name, as: UTF8.self) + ": " + TextDecoding.latin1(value))
        }
        lines.append("")
        lines.append(bodyDescription(limit: limit))
        return lines.joined(separator: "\n")
    }

    private func bodyDescription(limit: Int) -> String {
        if body.isEmpty { return "" }
        guard let text = Self.printable(body.prefix(limit)) else { return "\(body.count) bytes" }
        return body.count > limit ? text + "… (\(body.count) bytes)" : text
    }

    /// The bytes as text when they are UTF-8 without control characters other than whitespace;
    /// a multi-byte character cut at the end of the prefix is dropped.
    private static func printable(_ bytes: ArraySlice<UInt8>) -> String? {
        var bytes = bytes
        for _ in 0..<3 where String(validating: bytes, as: UTF8.self) == nil && !bytes.isEmpty {
            bytes = bytes.dropLast()
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        let isText = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F || allowed.contains($0) }
        return isText ? text : nil
    }
}

extension String {
    fileprivate func trimmingSuffix(_ character: Character) -> String {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }
}
