import PyASGIBridge
import TestClient

#if canImport(FoundationNetworking)
import Foundation
import FoundationNetworking
#else
import Foundation
#endif

/// The `URLProtocol` of the sessions made for one live-mode client (`TestClient(url:)`, or a client
/// of an app served by uvicorn): requests for that client's base URL, the server's real URL, go
/// through the client, with its default headers and cookies, its logs and its errors, as requests
/// for an in-process client's base URL do.
///
/// The clients of one server share its URL, and a `URLProtocol` sees only the request (on Linux not
/// even the session's configuration), so the URL cannot say which client a session was made for.
/// The protocol class does: each live client gets a class of its own, a distinct specialization of
/// this generic class (`Slot` is `SlotZero`, `SlotNext<SlotZero>`, …), made when a configuration
/// is first made for the client and reused once that client is gone.
final class LiveClientURLProtocol<Slot>: TestClientURLProtocol {
    override class func canInit(with request: URLRequest) -> Bool {
        guard let url = request.url else { return false }
        return client(for: url) != nil
    }

    override class func client(for url: URL) -> TestClient? {
        guard let client = LiveRoutes.client(of: self) else { return nil }
        return authority(of: client.baseURL) == authority(of: url) ? client : nil
    }
}

enum SlotZero {}
enum SlotNext<Previous> {}

/// Which live client each `LiveClientURLProtocol` class routes to.
enum LiveRoutes {
    private struct Route {
        weak var client: TestClient?
        let type: TestClientURLProtocol.Type
    }

    /// Route n is that of the n-th class.
    private static let routes = Locked<[Route]>([])

    /// The protocol class of `client`'s sessions: the one it already has, else a free one.
    static func protocolClass(for client: TestClient) -> TestClientURLProtocol.Type {
        routes.withLock { routes in
            if let route = routes.first(where: { $0.client === client }) { return route.type }
            if let free = routes.firstIndex(where: { $0.client == nil }) {
                routes[free].client = client
                return routes[free].type
            }
            let route = Route(client: client, type: protocolClass(routes.count, SlotZero.self))
            routes.append(route)
            return route.type
        }
    }

    /// The client the class `type` routes to, if that client is still there.
    static func client(of type: TestClientURLProtocol.Type) -> TestClient? {
        routes.withLock { routes in routes.first { $0.type == type }?.client }
    }

    /// `LiveClientURLProtocol<SlotNext<…n times…<SlotZero>>>`: a class of its own for each n.
    private static func protocolClass<Slot>(_ n: Int, _: Slot.Type) -> TestClientURLProtocol.Type {
        n == 0 ? LiveClientURLProtocol<Slot>.self : protocolClass(n - 1, SlotNext<Slot>.self)
    }
}
