import TestClient
import Testing

/// How a shared test reaches its app: in-process through the embedded interpreter, or over real
/// HTTP to the app served by uvicorn (live mode). Every test of this target runs once per mode and
/// expects the same result, except where the modes differ by design (README, "Live mode"); there a
/// test states each mode's own result.
enum ClientMode: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inProcess
    case live

    /// The modes the tests run in. Live mode joins once the `TestClientLive` product is in the
    /// package (branch `live`).
    static var allCases: [ClientMode] { [.inProcess] }

    var testDescription: String { rawValue }

    /// A client over `app` in this mode; the caller closes it.
    func client(
        app: String,
        configuration: TestClientConfiguration = TestClientConfiguration()
    ) async throws -> TestClient {
        switch self {
        case .inProcess:
            return try await TestClient(app: app, configuration: configuration)
        case .live:
            throw LiveModeUnavailable()
        }
    }

    /// Runs `body` with a client over `app` in this mode and closes it afterwards, also when `body`
    /// throws.
    func withClient<Result>(
        app: String,
        configuration: TestClientConfiguration = TestClientConfiguration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestClient) async throws -> Result
    ) async throws -> Result {
        let client = try await client(app: app, configuration: configuration)
        let result: Result
        do {
            result = try await body(client)
        } catch {
            try? await client.close()
            throw error
        }
        try await client.close()
        return result
    }
}

/// Live mode asked for before the package has it.
struct LiveModeUnavailable: Error {}
