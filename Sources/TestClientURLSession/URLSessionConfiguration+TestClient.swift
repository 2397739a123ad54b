public import TestClient

#if canImport(FoundationNetworking)
public import FoundationNetworking
#else
public import Foundation
#endif

extension URLSessionConfiguration {
    /// A configuration whose sessions send requests for `client.baseURL` to that client's app,
    /// in-process, through ``TestClientURLProtocol``: the URLSession code a team ships, tested
    /// against the Python service itself.
    ///
    /// ```swift
    /// try await withTestClient(app: "service:create_app()") { client in
    ///     let session = URLSession(configuration: .testClient(client))
    ///     let (data, response) = try await session.data(from: client.baseURL.appendingPathComponent("items"))
    ///     #expect((response as? HTTPURLResponse)?.statusCode == 200)
    /// }
    /// ```
    ///
    /// The configuration is an `ephemeral` one with ``TestClientURLProtocol`` first among its
    /// `protocolClasses`; requests to other hosts go where they would go anyway. For a live client
    /// (module `TestClientLive`), whose base URL is its server's real URL, a protocol class of the
    /// client's own comes first: requests for that URL go through this client (its default headers,
    /// cookies, timeout and logs), also when other clients share the server and so the URL. Every client has
    /// its own base URL, so sessions over different clients can run side by side. The session
    /// holds no reference to `client`: keep the client alive (and open) while the session is used.
    /// - Parameter client: The client whose app answers; its base URL is assigned here if it had
    ///   none yet.
    /// - Returns: A new configuration.
    public static func testClient(_ client: TestClient) -> URLSessionConfiguration {
        _ = client.baseURL
        let configuration = URLSessionConfiguration.ephemeral
        var routes: [AnyClass] = [TestClientURLProtocol.self]
        if client.isLive { routes.insert(LiveRoutes.protocolClass(for: client), at: 0) }
        configuration.protocolClasses = routes + (configuration.protocolClasses ?? [])
        return configuration
    }
}
