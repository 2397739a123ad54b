import HTTPTypes

/// A request as the client's methods give it, before it becomes a scope: what every public request
/// method builds and hands to ``TestClient/execute(_:timeout:followRedirects:)``.
struct ClientRequest: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var query: [(String, String)]
    var headers: HTTPFields
    var body: RequestBody
    /// Where the test made the call (`#fileID`, `#line`); a redirect keeps it.
    var site: CallSite?

    init(
        _ method: HTTPRequest.Method,
        _ path: String,
        query: [(String, String)] = [],
        headers: HTTPFields = [:],
        body: RequestBody = .empty,
        site: CallSite? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.site = site
    }

    /// `METHOD /path`, as errors name the request.
    var label: String { "\(method.rawValue) \(path)" }
}
