import Foundation
import HTTPTypes
import TestClient
import Testing

struct DjangoTests {
    static let app = "python_fixtures.django_app:app"

    @Test func lifespanOnModeRejectsDjango() async throws {
        var configuration = TestClientConfiguration()
        configuration.lifespan = .on
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: Self.app, configuration: configuration)
        }
        #expect(error?.code == .lifespanStartupFailed)
    }
}
