import PyASGIBridge

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension TestClient {
    /// The URL whose requests reach this client's app through a session made with
    /// `URLSession(configuration: .testClient(client))` (module `TestClientURLSession`):
    /// `http://testserver:<port>`, with a port no other live client has, so that sessions over
    /// different clients can run side by side.
    ///
    /// ```swift
    /// let session = URLSession(configuration: .testClient(client))
    /// let (data, response) = try await session.data(from: client.baseURL.appendingPathComponent("items"))
    /// ```
    ///
    /// The port is only an address inside the process: nothing listens on it. Paths under it are
    /// given to the app without ``TestClientConfiguration/rootPath``, as with the client's methods.
    ///
    /// A live client's base URL is its server's real URL (`http://127.0.0.1:<port>` for a server it
    /// started): a session made with the configuration above sends requests for it through the
    /// client, to the server, with the client's headers and cookies.
    public var baseURL: URL {
        if isLive {
            return URL(string: "\(configuration.scheme)://\(configuration.hostHeader)\(configuration.rootPath)")!
        }
        return URL(string: "\(configuration.scheme)://\(BaseURLRegistry.authority(of: self))")!
    }

    /// The live client whose ``baseURL`` has `authority` (`host:port`, any case).
    package static func registered(authority: String) -> TestClient? {
        BaseURLRegistry.client(authority: authority.lowercased())
    }

    /// Whether `host` is the host of some client's ``baseURL``, live or gone: a URL there is meant
    /// for a test client even when no client has its port, and must fail rather than go to DNS.
    package static func isTestHost(_ host: String) -> Bool {
        BaseURLRegistry.isKnown(host: host.lowercased())
    }
}

/// The process-wide map from a base URL's authority to its client. Clients are held weakly: the
/// map never keeps an app alive, and an entry whose client is gone is reused.
private enum BaseURLRegistry {
    private struct Entry {
        weak var client: TestClient?
    }

    private struct State {
        var clients: [String: Entry] = [:]
        var authorities: [ObjectIdentifier: String] = [:]
        var hosts: Set<String> = []
        var nextPort = ports.lowerBound
    }

    private static let ports = 20000...59999
    private static let state = Locked(State())

    static func authority(of client: TestClient) -> String {
        let host = client.configuration.host.lowercased()
        return state.withLock { state in
            let id = ObjectIdentifier(client)
            if let authority = state.authorities[id], state.clients[authority]?.client === client {
                return authority
            }
            // An identifier can be reused once its client is gone: drop what the dead left.
            for (authority, entry) in state.clients where entry.client == nil {
                state.clients[authority] = nil
            }
            state.authorities = state.authorities.filter { state.clients[$0.value] != nil }
            var authority: String
            repeat {
                authority = "\(host):\(state.nextPort)"
                state.nextPort = state.nextPort == ports.upperBound ? ports.lowerBound : state.nextPort + 1
            } while state.clients[authority] != nil
            state.clients[authority] = Entry(client: client)
            state.authorities[id] = authority
            state.hosts.insert(host)
            return authority
        }
    }

    static func client(authority: String) -> TestClient? {
        state.withLock { $0.clients[authority]?.client }
    }

    static func isKnown(host: String) -> Bool {
        state.withLock { $0.hosts.contains(host) }
    }
}
