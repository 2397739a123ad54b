import TestClient
#if Live
import TestClientLive
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the command's request goes, and the one place a client for it is opened.
enum ClientTarget: Sendable {
    /// The app, in-process (the default).
    case inProcess(app: String)
    /// The app served by uvicorn for the call (`--live`): started before the request, stopped after.
    case live(app: String)
    /// A server already running (`--url`); nothing is loaded, started or stopped.
    case url(URL)

    /// Runs `body` with a client over the target and closes the client afterwards (stopping a
    /// server it started), also when `body` throws.
    func withClient<Result>(
        configuration: TestClientConfiguration,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestClient) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .inProcess(let app):
            return try await withTestClient(app: app, configuration: configuration, body)
        #if Live
        case .live(let app):
            return try await withTestClient(app: app, configuration: configuration, server: .uvicorn(), body)
        case .url(let url):
            return try await withTestClient(url: url, configuration: configuration, body)
        #else
        case .live, .url:
            // validate() refuses --live and --url in a build without the trait "Live".
            preconditionFailure("live mode needs the package trait \"Live\"")
        #endif
        }
    }

    /// What a failure's details name as the target.
    var context: String {
        switch self {
        case .inProcess(let app): "app: \(app)"
        case .live(let app): "app: \(app), served by uvicorn"
        case .url(let url): "url: \(url.absoluteString)"
        }
    }
}
