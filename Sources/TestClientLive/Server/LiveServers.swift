#if Live
import PyASGIBridge

/// The uvicorn servers of this process. Clients of one app object share one server, as in-process
/// clients share one lifespan: the first starts it, the last to leave stops it. An app given as a
/// factory (`module:create_app()`) makes an app object, so a server, per client.
final class LiveServers: Sendable {
    static let shared = LiveServers()

    struct Key: Hashable, Sendable {
        var settings: UvicornServer.Settings
        /// Set for a factory: a server of its own.
        var unique: Int?
    }

    private struct Entry {
        var server: Task<UvicornServer, any Error>
        var clients: Int
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var nextUnique = 0
    }

    private let state = Locked(State())

    /// Joins the server for `settings`, starting it if it is the first client.
    func join(_ settings: UvicornServer.Settings) async throws -> (Key, UvicornServer) {
        let (key, server) = state.withLock { state in
            var key = Key(settings: settings)
            if settings.app.hasSuffix("()") {
                state.nextUnique += 1
                key.unique = state.nextUnique
            }
            if var entry = state.entries[key] {
                entry.clients += 1
                state.entries[key] = entry
                return (key, entry.server)
            }
            let server = Task { try await UvicornServer.start(settings) }
            state.entries[key] = Entry(server: server, clients: 1)
            return (key, server)
        }
        do {
            return (key, try await server.value)
        } catch {
            _ = await leave(key)
            throw error
        }
    }

    /// Leaves the server of `key`; the last client stops it. Returns what the server wrote while it
    /// stopped when this client stopped it.
    func leave(_ key: Key) async -> UvicornServer? {
        let last = state.withLock { state -> Task<UvicornServer, any Error>? in
            guard var entry = state.entries[key] else { return nil }
            entry.clients -= 1
            guard entry.clients == 0 else {
                state.entries[key] = entry
                return nil
            }
            state.entries[key] = nil
            return entry.server
        }
        guard let last, let server = try? await last.value else { return nil }
        await server.stop(grace: key.settings.grace)
        return server
    }
}
#endif
