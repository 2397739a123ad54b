import Foundation
import TestClient
#if Live
import TestClientLive
#endif
import Testing

/// How a shared test reaches its app: in-process through the embedded interpreter, or over real
/// HTTP to the app served by uvicorn (live mode). Every test of this target runs once per mode and
/// expects the same result, except where the modes differ by design (README, "Live mode"); there a
/// test states each mode's own result.
enum ClientMode: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inProcess
    case live

    var testDescription: String { rawValue }

    /// The modes this run tests: both, unless `ASGI_TEST_MODES` names one (`inProcess` or `live`).
    /// `scripts/test` runs the in-process tests first and the live ones after them, so that
    /// uvicorn's start-ups do not load the machine under the in-process tests' time bounds.
    /// Live mode only in a build with the package trait "Live" (`scripts/test` builds with it).
    static var allCases: [ClientMode] {
        #if Live
        let built: [ClientMode] = [.inProcess, .live]
        #else
        let built: [ClientMode] = [.inProcess]
        #endif
        guard let only = ProcessInfo.processInfo.environment["ASGI_TEST_MODES"] else { return built }
        return built.filter { only.split(separator: ",").contains(Substring($0.rawValue)) }
    }

    #if Live
    /// Where the app runs in this mode.
    var server: AppServer {
        switch self {
        case .inProcess: .inProcess
        case .live: .uvicorn()
        }
    }
    #endif

    /// A client over `app` in this mode; the caller closes it.
    func client(
        app: String,
        configuration: TestClientConfiguration = TestClientConfiguration()
    ) async throws -> TestClient {
        #if Live
        try await TestClient(app: app, configuration: configuration, server: server)
        #else
        // allCases has no live mode in this build.
        try await TestClient(app: app, configuration: configuration)
        #endif
    }

    /// Runs `body` with a client over `app` in this mode and closes it afterwards, also when `body`
    /// throws.
    func withClient<Result>(
        app: String,
        configuration: TestClientConfiguration = TestClientConfiguration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestClient) async throws -> Result
    ) async throws -> Result {
        try await client(app: app, configuration: configuration).closing(body)
    }
}
