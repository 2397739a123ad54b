import Foundation
import HTTPTypes
import TestClient
import TestClientURLSession
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// URLSession code through `URLSessionConfiguration.testClient(_:)`, in both modes: a session made
/// for a client goes through that client (its default headers, cookies and logs), in-process and
/// to a live client's real URL alike.
struct SharedURLSessionTests {
    private static func get(_ session: URLSession, _ url: URL) async throws -> (Data, HTTPURLResponse) {
        let (data, response) = try await session.data(from: url)
        return (data, try #require(response as? HTTPURLResponse))
    }

    @Test(arguments: ClientMode.allCases)
    func aSessionSendsTheClientsCookiesAndHeaders(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            client.cookies["flavour"] = "oat"
            client.headers[HTTPField.Name("x-suite")!] = "contract"
            let session = URLSession(configuration: .testClient(client))
            defer { session.finishTasksAndInvalidate() }
            let (data, response) = try await Self.get(session, client.baseURL.appendingPathComponent("cookies/get"))
            #expect(response.statusCode == 200)
            #expect(try JSONDecoder().decode(SentCookies.self, from: data).cookies == ["flavour": "oat"])
            let (scope, _) = try await Self.get(session, client.baseURL.appendingPathComponent("scope"))
            let echoed = try JSONDecoder().decode(EchoedScope.self, from: scope)
            #expect(echoed.header("x-suite") == ["contract"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func sessionsOfTwoClientsOfOneAppEachGoThroughTheirOwnClient(mode: ClientMode) async throws {
        // Live, both clients share one server, so one base URL: only the session tells them apart.
        try await mode.withClient(app: Fixture.starlette) { first in
            try await mode.withClient(app: Fixture.starlette) { second in
                first.cookies["who"] = "first"
                second.cookies["who"] = "second"
                let firstSession = URLSession(configuration: .testClient(first))
                let secondSession = URLSession(configuration: .testClient(second))
                defer {
                    firstSession.finishTasksAndInvalidate()
                    secondSession.finishTasksAndInvalidate()
                }
                for _ in 0..<3 {
                    let (a, _) = try await Self.get(firstSession, first.baseURL.appendingPathComponent("cookies/get"))
                    let (b, _) = try await Self.get(secondSession, second.baseURL.appendingPathComponent("cookies/get"))
                    #expect(try JSONDecoder().decode(SentCookies.self, from: a).cookies == ["who": "first"])
                    #expect(try JSONDecoder().decode(SentCookies.self, from: b).cookies == ["who": "second"])
                }
            }
        }
    }

    @Test(arguments: ClientMode.allCases)
    func whatTheAppLogsDuringASessionsRequestIsTheClients(mode: ClientMode) async throws {
        let tag = UUID().uuidString
        try await mode.withClient(app: "python_fixtures.logging_app:app") { client in
            let session = URLSession(configuration: .testClient(client))
            defer { session.finishTasksAndInvalidate() }
            var components = URLComponents(
                url: client.baseURL.appendingPathComponent("login"),
                resolvingAgainstBaseURL: false
            )!
            components.queryItems = [URLQueryItem(name: "tag", value: tag)]
            _ = try await Self.get(session, components.url!)
            #expect(client.logs.contains { $0.message == "failed login for \(tag)" }, "\(client.logs)")
        }
    }
}
