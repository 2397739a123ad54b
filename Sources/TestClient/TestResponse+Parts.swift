package import HTTPTypes
import PyASGIBridge

extension TestResponse {
    /// A response put together from its parts, for a client that read it as a stream (the `asgi`
    /// command prints a body as it arrives and keeps the head).
    package init(
        status: Int,
        rawHeaders: [(name: [UInt8], value: [UInt8])],
        body: [UInt8],
        method: HTTPRequest.Method,
        path: String
    ) {
        let headers = rawHeaders.map { HeaderField(name: $0.name, value: $0.value) }
        self.init(BufferedResponse(status: status, headers: headers, body: body), method: method, path: path)
    }
}
