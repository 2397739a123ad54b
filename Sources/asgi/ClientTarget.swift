import TestClient

/// Where the command's request goes, and the one place a client for it is opened.
enum ClientTarget: Sendable {
    /// The app, in-process (the default).
    case inProcess(app: String)

    /// Runs `body` with a client over the target and closes the client afterwards, also when `body`
    /// throws.
    func withClient<Result>(
        configuration: TestClientConfiguration,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestClient) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .inProcess(let app):
            return try await withTestClient(app: app, configuration: configuration, body)
        }
    }
}
