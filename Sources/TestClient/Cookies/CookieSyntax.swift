import PyASGIBridge

/// What a `Cookie` header can carry without changing its meaning (RFC 6265, section 4.2.1): a
/// name is a token, a value holds no `;`, control character or DEL. Anything else in a value goes
/// as it is, as httpx sends it: spaces, commas, double quotes, non-ASCII text.
///
/// The jar stores what it is given (``CookieJar/set(_:_:domain:path:)`` does not throw); the
/// request that would carry a cookie breaking these rules fails instead, so that a cookie named
/// `"a;b"` or valued `"1; injected=yes"` never reaches the app as two cookies.
enum CookieSyntax {
    /// Checks one cookie the jar would send.
    static func check(name: String, value: String) throws(TestClientError) {
        if name.isEmpty {
            throw TestClientError(
                .invalidRequest,
                "A cookie with an empty name (value \"\(value)\") cannot be sent: a cookie name must be an RFC 6265 token."
            )
        }
        if let bad = name.unicodeScalars.first(where: { !isToken($0) }) {
            throw TestClientError(
                .invalidRequest,
                "The cookie \(quoted(name)) cannot be sent: its name contains \(describe(bad)), and a cookie name must be an RFC 6265 token (letters, digits and !#$%&'*+-.^_`|~)."
            )
        }
        if let bad = value.unicodeScalars.first(where: { $0 == ";" || $0.value < 0x20 || $0.value == 0x7F }) {
            throw TestClientError(
                .invalidRequest,
                "The cookie \(quoted(name)) cannot be sent: its value contains \(describe(bad)), which "
                    + (bad == ";"
                        ? "would end the cookie and start another in the Cookie header."
                        : "a Cookie header cannot carry.")
            )
        }
    }

    /// Checks a `Cookie` header given by hand: `name=value` pairs separated by `;`, each pair
    /// held to the rules of ``check(name:value:)``.
    static func check(header: String) throws(TestClientError) {
        for piece in header.split(separator: ";", omittingEmptySubsequences: false) {
            let pair = piece.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
            guard !pair.isEmpty else { continue }
            guard let equals = pair.firstIndex(of: "=") else {
                throw TestClientError(
                    .invalidRequest,
                    "The Cookie header \(quoted(header)) holds \(quoted(String(pair))), which is not a name=value pair."
                )
            }
            try check(name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
        }
    }

    private static func isToken(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && HeaderValidation.isTokenByte(UInt8(scalar.value))
    }

    private static func quoted(_ text: String) -> String {
        text.debugDescription
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        let printable = scalar.value >= 0x20 && scalar.value != 0x7F
        return (printable ? "\"\(scalar)\" " : "") + "(\(RequestTarget.name(scalar)))"
    }
}
