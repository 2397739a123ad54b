/// Everything the bridge needs to build one connection's scope dict.
package struct ConnectionScope: Sendable {
    package enum Kind: String, Sendable {
        case http
        case websocket
        case lifespan
    }

    package var kind: Kind
    package var specVersion: String
    package var httpVersion: String = "1.1"
    package var method: String = "GET"
    package var scheme: String = "http"
    package var path: String = "/"
    package var rawPath: [UInt8] = Array("/".utf8)
    package var queryString: [UInt8] = []
    package var rootPath: String = ""
    package var headers: [HeaderField] = []
    package var client: (host: String, port: Int)?
    package var server: (host: String, port: Int?)?
    package var subprotocols: [String] = []
    /// Extension names advertised in `scope["extensions"]`, each with an empty dict.
    package var extensions: [String] = []
    /// Extra or replacing keys, applied last.
    package var overrides: [String: ScopeValue] = [:]
    /// Whether `scope["state"]` is (a copy of) the app's lifespan state; false for a client that
    /// takes no part in the lifespan, whose scopes get an empty state.
    package var sharesLifespanState = true

    package init(kind: Kind, specVersion: String) {
        self.kind = kind
        self.specVersion = specVersion
    }
}
