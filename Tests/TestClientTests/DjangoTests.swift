import Foundation
import HTTPTypes
import TestClient
import Testing

struct DjangoTests {
    static let app = "python_fixtures.django_app:app"

    @Test func djangoWithoutLifespanSupportStillServes() async throws {
        // Django raises on the lifespan scope; in auto mode the client carries on without it.
        try await withTestClient(app: Self.app) { client in
            let root = try await client.get("/")
            #expect(root.text == "plain response")
            let json = try await client.get("/json")
            #expect(try json.json([String: String].self) == ["hello": "world"])
        }
    }

    @Test func lifespanOnModeRejectsDjango() async throws {
        var configuration = TestClientConfiguration()
        configuration.lifespan = .on
        let error = await #expect(throws: TestClientError.self) {
            try await TestClient(app: Self.app, configuration: configuration)
        }
        #expect(error?.code == .lifespanStartupFailed)
    }

    @Test func csrfFormLoginWithRedirectAndSessionCookie() async throws {
        try await withTestClient(app: Self.app) { client in
            let form = try await client.get("/login")
            let html = form.text
            let marker = #"name="csrfmiddlewaretoken" value=""#
            let start = try #require(html.range(of: marker)).upperBound
            let token = String(html[start...].prefix { $0 != "\"" })
            #expect(client.cookies.cookies.contains { $0.name == "csrftoken" })

            let refused = try await client.post("/login", form: [("user", "ana"), ("password", "s3cret")])
            #expect(refused.status == .forbidden)  // no CSRF token in the form

            let response = try await client.post(
                "/login",
                form: [("csrfmiddlewaretoken", token), ("user", "ana"), ("password", "s3cret")]
            )
            #expect(response.history.map(\.status.code) == [302])
            #expect(response.status == .ok)
            #expect(try response.json([String: String].self) == ["user": "ana"])
        }
    }
}
