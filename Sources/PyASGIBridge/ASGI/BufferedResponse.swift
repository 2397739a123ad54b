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
