import HTTPTypes
import TestClient
import Testing

/// Litestar (python_fixtures/litestar_app.py) in both modes: its handlers, its startup state, its
/// cookies, redirect and websocket, through the client's own jar and redirect logic.
struct SharedLitestarTests {
    @Test(arguments: ClientMode.allCases)
    func plainAndJSON(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.litestar) { client in
            let root = try await client.get("/")
            #expect(root.status == .ok)
            #expect(root.text == "plain response")
            #expect(root.headers[.contentType]?.hasPrefix("text/plain") == true)
            let json = try await client.get("/json")
            #expect(try json.json([String: String].self) == ["hello": "world"])
            let missing = try await client.get("/nope")
            #expect(missing.status == .notFound)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func startupHookStateReachesHandlers(mode: ClientMode) async throws {
        // In-process the client runs the lifespan; live, uvicorn does.
        try await mode.withClient(app: Fixture.litestar) { client in
            let state = try await client.get("/state")
            #expect(try state.json([String: String].self) == ["started": "yes"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func bodyAndRepeatedQuery(mode: ClientMode) async throws {
        struct Query: Decodable, Equatable {
            var tags: [String]
            var q: String?
        }
        try await mode.withClient(app: Fixture.litestar) { client in
            let echoed = try await client.post(
                "/echo",
                headers: [.contentType: "application/x-litestar"],
                body: Array("héllo litestar".utf8)
            )
            #expect(echoed.status == .ok)
            #expect(echoed.text == "héllo litestar")
            #expect(echoed.headers[.contentType] == "application/x-litestar")
            let query = try await client.get("/query", query: [("tag", "a b"), ("tag", "ç"), ("q", "x&y")])
            #expect(try query.json(Query.self) == Query(tags: ["a b", "ç"], q: "x&y"))
        }
    }

    @Test(arguments: ClientMode.allCases)
    func cookieJarAndRedirectHistory(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.litestar) { client in
            #expect(try await client.get("/whoami").json([String: String?].self) == ["session": nil])
            let login = try await client.get("/login")
            #expect(login.text == "in")
            #expect(client.cookies["session"] == "litestar-42")
            #expect(try await client.get("/whoami").json([String: String].self) == ["session": "litestar-42"])

            let moved = try await client.get("/moved")
            #expect(moved.status == .ok)
            #expect(moved.path == "/json")
            #expect(moved.history.map(\.status.code) == [302])
            #expect(try moved.json([String: String].self) == ["hello": "world"])
        }
    }

    @Test(arguments: ClientMode.allCases)
    func websocketEchoThenTheAppsCloseCode(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.litestar) { client in
            try await client.websocket("/ws") { ws in
                try await ws.send(text: "ça va")
                #expect(try await ws.receiveText() == "litestar: ça va")
                let error = await #expect(throws: TestClientError.self) { try await ws.receiveText() }
                #expect(error?.code == .websocketClosed)
                #expect(error?.closeCode == 4001)
            }
        }
    }
}
