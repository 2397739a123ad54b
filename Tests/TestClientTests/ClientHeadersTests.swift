import HTTPTypes
import TestClient
import Testing

/// `client.headers`: Starlette's `client.headers`, settable after the client is open.
struct ClientHeadersTests {
    static let app = "python_fixtures.suite_app:app"
    static let token = HTTPField.Name("x-token")!

    /// The values of `name` the app received.
    static func received(_ client: TestClient, _ name: String, headers: HTTPFields = [:]) async throws -> [String] {
        let pairs = try await client.get("/headers", headers: headers).json([[String]].self)
        return pairs.filter { $0[0] == name }.map { $0[1] }
    }

    @Test func headersSetAfterOpeningAreSentThenReplacedThenRemoved() async throws {
        try await withTestClient(app: Self.app) { client in
            #expect(client.headers.isEmpty)
            let beforeSetting = try await Self.received(client, "x-token")
            #expect(beforeSetting.isEmpty)

            client.headers[Self.token] = "first"
            let afterSetting = try await Self.received(client, "x-token")
            #expect(afterSetting == ["first"])

            client.headers[Self.token] = "second"
            let afterReplacing = try await Self.received(client, "x-token")
            #expect(afterReplacing == ["second"])

            client.headers[Self.token] = nil
            let afterRemoving = try await Self.received(client, "x-token")
            #expect(afterRemoving.isEmpty)
        }
    }

    @Test func theConfigurationGivesTheFirstHeadersAndACallsOwnWin() async throws {
        var configuration = TestClientConfiguration()
        configuration.headers = [Self.token: "configured", .accept: "text/plain"]
        try await withTestClient(app: Self.app, configuration: configuration) { client in
            #expect(client.headers[Self.token] == "configured")
            let perCall = try await Self.received(client, "x-token", headers: [Self.token: "per call"])
            #expect(perCall == ["per call"])
            client.headers = [.authorization: "Bearer t"]
            let pairs = try await client.get("/headers").json([[String]].self)
            #expect(pairs.contains(["authorization", "Bearer t"]))
            #expect(!pairs.contains { $0[0] == "x-token" || $0[0] == "accept" })
        }
    }

    @Test func anotherClientOfTheSameAppKeepsItsOwnHeaders() async throws {
        try await withTestClient(app: Self.app) { first in
            try await withTestClient(app: Self.app) { second in
                first.headers[Self.token] = "mine"
                let bySecond = try await Self.received(second, "x-token")
                #expect(bySecond.isEmpty)
                let byFirst = try await Self.received(first, "x-token")
                #expect(byFirst == ["mine"])
            }
        }
    }
}

/// `client.cookies[name]`: reading what the client's host gets, and setting one for it.
struct CookieSubscriptTests {
    static let app = "python_fixtures.suite_app:app"

    @Test func aCookieTheAppSetIsReadByName() async throws {
        try await withTestClient(app: Self.app) { client in
            #expect(client.cookies["theme"] == nil)
            _ = try await client.get("/set-cookie", query: [("name", "theme"), ("value", "dark")])
            #expect(client.cookies["theme"] == "dark")
            #expect(client.cookies["other"] == nil)
        }
    }

    @Test func aCookieSetByNameReachesTheApp() async throws {
        try await withTestClient(app: Self.app) { client in
            client.cookies["session"] = "abc"
            let afterSetting = try await client.get("/cookies").json([String: String].self)
            #expect(afterSetting == ["session": "abc"])
            client.cookies["session"] = "def"
            let afterReplacing = try await client.get("/cookies").json([String: String].self)
            #expect(afterReplacing == ["session": "def"])
            client.cookies["session"] = nil
            let afterRemoving = try await client.get("/cookies").json([String: String].self)
            #expect(afterRemoving == [:])
            #expect(client.cookies.cookies.isEmpty)
        }
    }

    @Test func theSubscriptWorksForTheConfiguredHostOnly() async throws {
        var configuration = TestClientConfiguration()
        configuration.host = "api.example.com"
        try await withTestClient(app: Self.app, configuration: configuration) { client in
            client.cookies.set("elsewhere", "x", domain: "other.example.com")
            client.cookies["here"] = "y"
            #expect(client.cookies["elsewhere"] == nil)
            #expect(client.cookies["here"] == "y")
            #expect(client.cookies.cookies.first { $0.name == "here" }?.domain == "api.example.com")
            let sent = try await client.get("/cookies").json([String: String].self)
            #expect(sent == ["here": "y"])
        }
    }

    @Test func aSecureCookieIsReadOnlyOverHTTPS() {
        let jar = CookieJar()
        jar.setCookie(from: "token=s; Secure", requestHost: "testserver", requestPath: "/")
        #expect(jar["token"] == nil)
        jar.setCookie(from: "plain=p; Path=/deep", requestHost: "testserver", requestPath: "/")
        jar.setCookie(from: "plain=root; Path=/", requestHost: "testserver", requestPath: "/")
        #expect(jar["plain"] == "root")
    }
}
