/// One header as ASGI carries it: raw bytes, name and value, order and duplicates kept.
package struct HeaderField: Sendable, Hashable {
    package var name: [UInt8]
    package var value: [UInt8]

    package init(name: [UInt8], value: [UInt8]) {
        self.name = name
        self.value = value
    }

    package init(_ name: String, _ value: String) {
        self.name = Array(name.utf8)
        self.value = Array(value.utf8)
    }
}

/// A Python value built from Swift for scope keys the caller adds (`scope` overrides).
package indirect enum ScopeValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([ScopeValue])
    case dict([String: ScopeValue])
}

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

    package init(kind: Kind, specVersion: String) {
        self.kind = kind
        self.specVersion = specVersion
    }
}

/// Messages from the client to the app (what `receive()` returns).
package enum InboundEvent: Sendable, Equatable {
    case httpRequest(body: [UInt8], moreBody: Bool)
    case httpDisconnect
    case websocketConnect
    case websocketReceive(WebSocketPayload)
    case websocketDisconnect(code: Int, reason: String)
    case lifespanStartup
    case lifespanShutdown
}

package enum WebSocketPayload: Sendable, Equatable {
    case text(String)
    case bytes([UInt8])
}

/// Messages from the app to the client (what the app passes to `send()`), validated.
package enum OutboundEvent: Sendable, Equatable {
    case responseStart(status: Int, headers: [HeaderField], trailers: Bool)
    case responseBody(body: [UInt8], moreBody: Bool)
    case responseTrailers(headers: [HeaderField], moreTrailers: Bool)
    case responseDebug(info: [String: String])
    case websocketAccept(subprotocol: String?, headers: [HeaderField])
    case websocketSend(WebSocketPayload)
    case websocketClose(code: Int, reason: String)
    case websocketResponseStart(status: Int, headers: [HeaderField])
    case websocketResponseBody(body: [UInt8], moreBody: Bool)
    case lifespanStartupComplete
    case lifespanStartupFailed(message: String)
    case lifespanShutdownComplete
    case lifespanShutdownFailed(message: String)

    /// The ASGI `type` of the message.
    package var typeName: String {
        switch self {
        case .responseStart: "http.response.start"
        case .responseBody: "http.response.body"
        case .responseTrailers: "http.response.trailers"
        case .responseDebug: "http.response.debug"
        case .websocketAccept: "websocket.accept"
        case .websocketSend: "websocket.send"
        case .websocketClose: "websocket.close"
        case .websocketResponseStart: "websocket.http.response.start"
        case .websocketResponseBody: "websocket.http.response.body"
        case .lifespanStartupComplete: "lifespan.startup.complete"
        case .lifespanStartupFailed: "lifespan.startup.failed"
        case .lifespanShutdownComplete: "lifespan.shutdown.complete"
        case .lifespanShutdownFailed: "lifespan.shutdown.failed"
        }
    }
}

/// A whole HTTP response, gathered on the loop thread and handed over once.
package struct BufferedResponse: Sendable {
    package var status: Int
    package var headers: [HeaderField]
    package var body: [UInt8]
    package var trailers: [HeaderField]
    package var debugInfo: [String: String]?

    package init(
        status: Int,
        headers: [HeaderField],
        body: [UInt8] = [],
        trailers: [HeaderField] = [],
        debugInfo: [String: String]? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.trailers = trailers
        self.debugInfo = debugInfo
    }
}
