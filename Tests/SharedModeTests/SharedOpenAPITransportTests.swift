import Foundation
import HTTPTypes
import OpenAPIRuntime
import TestClient
import TestClientOpenAPI
import Testing

/// TestClientTransport, the OpenAPI runtime's transport, over a client of either mode: a live
/// client's operations go to the real server, with the client's default headers.
struct SharedOpenAPITransportTests {
    @Test(arguments: ClientMode.allCases)
    func operationsGoThroughTheClientInEitherMode(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            client.headers[HTTPField.Name("x-suite")!] = "contract"
            let transport = TestClientTransport(client: client)

            let (json, jsonBody) = try await transport.send(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/json"),
                body: nil,
                baseURL: client.baseURL,
                operationID: "getJSON"
            )
            #expect(json.status == .ok)
            let decoded = try await String(collecting: try #require(jsonBody), upTo: 1 << 20)
            #expect(decoded == #"{"hello":"world"}"#)

            let (echo, echoBody) = try await transport.send(
                HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/echo", headerFields: [.contentType: "text/plain"]),
                body: HTTPBody("sent through the transport"),
                baseURL: client.baseURL,
                operationID: "echo"
            )
            #expect(echo.status == .ok)
            #expect(echo.headerFields[.contentType]?.hasPrefix("text/plain") == true)
            #expect(try await String(collecting: try #require(echoBody), upTo: 1 << 20) == "sent through the transport")

            let (scope, scopeBody) = try await transport.send(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/scope"),
                body: nil,
                baseURL: client.baseURL,
                operationID: "scope"
            )
            #expect(scope.status == .ok)
            let echoed = try JSONDecoder().decode(
                EchoedScope.self,
                from: Data(try await String(collecting: try #require(scopeBody), upTo: 1 << 20).utf8)
            )
            #expect(echoed.headers.contains(["x-suite", "contract"]))
        }
    }
}
