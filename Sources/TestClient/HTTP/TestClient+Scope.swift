import HTTPTypes
import PyASGIBridge

extension TestClient {
    /// The HTTP scope for a request, following the spec: method uppercased, `path` decoded with
    /// `root_path` in front, `raw_path` and `query_string` as bytes, headers lowercased in order with
    /// `host` first and one joined `cookie` header.
    func httpScope(_ request: ClientRequest) throws(TestClientError) -> ConnectionScope {
        let methodName = request.method.rawValue.uppercased()
        guard !methodName.isEmpty, methodName.utf8.allSatisfy(HeaderValidation.isTokenByte) else {
            throw TestClientError(.invalidRequest, "The method \"\(request.method.rawValue)\" is not an HTTP token.")
        }
        let target = try RequestTarget(request.path, query: request.query, rootPath: configuration.rootPath)
        var scope = connectionScope(.http, target)
        scope.method = methodName
        scope.httpVersion = configuration.httpVersion
        scope.scheme = target.origin.map { $0.secure ? "https" : "http" } ?? configuration.scheme
        scope.headers = try requestHeaders(request.headers, body: request.body, sendsBody: true, target: target)
        scope.extensions = Self.httpExtensions
        return scope
    }

    /// The extensions every HTTP scope advertises: one array for all requests.
    private static let httpExtensions = ["http.response.trailers", "http.response.debug"]

    /// What HTTP and websocket scopes share: the target, `root_path`, the addresses, the overrides.
    func connectionScope(_ kind: ConnectionScope.Kind, _ target: RequestTarget) -> ConnectionScope {
        var scope = ConnectionScope(kind: kind, specVersion: configuration.specVersion)
        scope.path = target.path
        scope.rawPath = target.rawPath
        scope.queryString = target.queryString
        scope.rootPath = configuration.rootPath
        scope.client = configuration.client
        scope.server = target.origin.map { ($0.host, $0.effectivePort) } ?? configuration.serverAddress
        scope.overrides = configuration.scopeOverrides.mapValues(\.bridgeValue)
        scope.sharesLifespanState = configuration.lifespan != .off
        return scope
    }

    /// Default headers merged under the request's, `host` first, cookies joined, body headers added.
    func requestHeaders(
        _ headers: HTTPFields,
        body: RequestBody,
        sendsBody: Bool,
        target: RequestTarget
    ) throws(TestClientError) -> [HeaderField] {
        var fields: [HeaderField] = []
        let requestNames = Set(headers.map(\.name))
        if !requestNames.contains(.hostField) {
            fields.append(HeaderField("host", target.origin?.hostHeader ?? configuration.hostHeader))
        }
        var cookies: [String] = []
        if configuration.useCookies, !self.cookies.isEmpty {
            let jar = self.cookies.cookies(
                host: cookieHost(headers, origin: target.origin),
                path: target.path,
                secure: target.origin?.secure ?? configuration.isSecure
            )
            for cookie in jar {
                try CookieSyntax.check(name: cookie.name, value: cookie.value)
                cookies.append("\(cookie.name)=\(cookie.value)")
            }
        }
        let defaults = self.headers
        for field in defaults where !requestNames.contains(field.name) {
            try append(field, to: &fields, cookies: &cookies)
        }
        if let credentials = target.origin?.credentials ?? configuration.basicAuth,
            !requestNames.contains(.authorization),
            defaults[.authorization] == nil
        {
            try append(
                .basicAuthorization(user: credentials.user, password: credentials.password),
                to: &fields,
                cookies: &cookies
            )
        }
        for field in headers {
            try append(field, to: &fields, cookies: &cookies)
        }
        if !cookies.isEmpty { fields.append(HeaderField("cookie", cookies.joined(separator: "; "))) }
        if sendsBody {
            if let contentType = body.contentType, !requestNames.contains(.contentType) {
                fields.append(HeaderField("content-type", contentType))
            }
            if !requestNames.contains(.contentLength), !requestNames.contains(.transferEncoding) {
                if body.chunks != nil {
                    fields.append(HeaderField("transfer-encoding", "chunked"))
                } else if !body.bytes.isEmpty {
                    fields.append(HeaderField("content-length", String(body.bytes.count)))
                }
            }
        }
        return fields
    }

    /// The host cookies are matched against: the request's own `Host` when it sets one, else the
    /// host of an absolute URL target, else the client's.
    func cookieHost(_ headers: HTTPFields, origin: Origin?) -> String {
        guard let host = headers[.hostField] else { return origin?.host ?? configuration.host }
        if host.hasPrefix("[") { return String(host.prefix { $0 != "]" }) + "]" }
        return String(host.prefix { $0 != ":" })
    }

    private func append(
        _ field: HTTPField,
        to fields: inout [HeaderField],
        cookies: inout [String]
    ) throws(TestClientError) {
        let value = field.withUnsafeBytesOfValue { Array($0) }
        if let bad = value.first(where: HeaderValidation.isForbiddenInValue) {
            throw TestClientError(
                .invalidRequest,
                "The value of header \(field.name) contains the byte 0x\(String(bad, radix: 16, uppercase: true)); CR, LF and NUL are not allowed in a header value, nor is DEL."
            )
        }
        if field.name == .cookie {
            try CookieSyntax.check(header: field.value)
            cookies.append(field.value)
        } else {
            fields.append(HeaderField(name: Array(field.name.canonicalName.utf8), value: value))
        }
    }
}

extension TestClientConfiguration {
    /// The origin requests go to unless their target is an absolute URL.
    var origin: Origin { Origin(secure: isSecure, host: Self.scopeHost(host), port: port) }
}

extension ASGIValue {
    var bridgeValue: ScopeValue {
        switch self {
        case .none: .none
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .bytes(let value): .bytes(value)
        case .list(let values): .list(values.map(\.bridgeValue))
        case .dict(let values): .dict(values.mapValues(\.bridgeValue))
        }
    }
}

extension HTTPField.Name {
    /// `Host` (swift-http-types keeps it as the `authority` pseudo-field, so it has no static member).
    static let hostField = HTTPField.Name("host")!
}
