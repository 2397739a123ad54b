import Foundation
import HTTPTypes
import TestClient
import Testing

/// Plain requests and responses against every framework, in both modes.
struct SharedHTTPTests {
    @Test(
        "The seed's quickstart: GET / and GET /json",
        arguments: ClientMode.allCases,
        [Fixture.quart, Fixture.starlette, Fixture.fastapi, Fixture.asgi3, Fixture.asgi2]
    )
    func quickstart(mode: ClientMode, app: String) async throws {
        try await mode.withClient(app: app) { client in
            let root = try await client.get("/")
            #expect(root.status == .ok)
            if app == Fixture.fastapi {
                #expect(try root.json(String.self) == "plain response")
            } else {
                #expect(root.text == "plain response")
            }
            let json = try await client.get("/json")
            #expect(json.status == .ok)
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try json.json([String: String].self) == ["hello": "world"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func factoryIsCalled(mode: ClientMode) async throws {
        try await mode.withClient(app: "python_fixtures.raw_asgi:create_app()") { client in
            let response = try await client.get("/")
            #expect(response.text == "plain response")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func unknownRouteIs404(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.get("/nope")
            #expect(response.status == .notFound)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func headResponseHasNoBody(mode: ClientMode) async throws {
        // In-process the client strips the body; live, uvicorn does.
        try await mode.withClient(app: Fixture.quart) { client in
            let response = try await client.head("/")
            #expect(response.status == .ok)
            #expect(response.body.isEmpty)
            #expect(response.headers[.contentLength] == "14")
        }
    }

    @Test(arguments: ClientMode.allCases)
    func serverAndDateHeaders(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let response = try await client.get("/")
            switch mode {
            case .inProcess:
                // Nothing adds headers the app did not send.
                #expect(response.headers[.server] == nil)
                #expect(response.headers[.date] == nil)
            case .live:
                #expect(response.headers[.server] == "uvicorn")
                #expect(response.headers[.date] != nil)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func trailersAreExposedInProcessOnly(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let response = try await client.get("/trailers")
            #expect(response.text == "data")
            // uvicorn serves HTTP/1.1 without the trailers extension: none arrive.
            #expect(response.trailers[HTTPField.Name("x-checksum")!] == (mode == .live ? nil : "abc123"))
        }
    }

    @Test(arguments: ClientMode.allCases)
    func debugExtensionCarriesTemplateAndContextInProcessOnly(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.get("/template")
            #expect(response.text.contains("Hello, Swift!"))
            switch mode {
            case .inProcess:
                #expect(response.debugInfo?["template"]?.contains("hello.html") == true)
                #expect(response.debugInfo?["context"]?.contains("Swift") == true)
            case .live:
                #expect(response.debugInfo == nil)
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func basicAuthHelperAndConfiguration(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.get(
                "/auth",
                headers: HTTPFields([.basicAuthorization(user: "ana", password: "pé")])
            )
            #expect(try response.json([String: String].self) == ["authorization": "Basic YW5hOnDDqQ=="])
        }
        var configuration = TestClientConfiguration()
        configuration.basicAuth = ("bob", "pw")
        try await mode.withClient(app: Fixture.starlette, configuration: configuration) { client in
            let response = try await client.get("/auth")
            #expect(try response.json([String: String].self) == ["authorization": "Basic Ym9iOnB3"])
        }
    }

    @Test(arguments: ClientMode.allCases, [Fixture.quart, Fixture.fastapi])
    func cookiesRoundTripInOtherFrameworks(mode: ClientMode, app: String) async throws {
        try await mode.withClient(app: app) { client in
            let first = try await client.get("/cookie").json([String: String?].self)
            #expect(first["seen"] == .some(nil))
            let second = try await client.get("/cookie").json([String: String?].self)
            #expect(second["seen"] == (app == Fixture.quart ? "quart" : "fastapi"))
        }
    }

    @Test(arguments: ClientMode.allCases)
    func quartRedirectIsFollowed(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.quart) { client in
            let response = try await client.get("/go")
            #expect(try response.json([String: String].self) == ["hello": "world"])
            #expect(response.history.first?.status == .found)
        }
    }

    @Test(arguments: ClientMode.allCases, [Fixture.quart, Fixture.fastapi])
    func timeoutsInOtherFrameworks(mode: ClientMode, app: String) async throws {
        try await mode.withClient(app: app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.get("/sleep", timeout: .milliseconds(150))
            }
            #expect(error?.code == .timeout)
            let response = try await client.get("/json")
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func djangoWithoutLifespanSupportStillServes(mode: ClientMode) async throws {
        // Django raises on the lifespan scope; the client (or uvicorn, in auto mode) carries on.
        try await mode.withClient(app: Fixture.django) { client in
            let root = try await client.get("/")
            #expect(root.text == "plain response")
            let json = try await client.get("/json")
            #expect(try json.json([String: String].self) == ["hello": "world"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func djangoCSRFFormLoginWithRedirectAndSessionCookie(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.django) { client in
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
