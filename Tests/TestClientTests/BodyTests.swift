import HTTPTypes
import TestClient
import Testing

struct Item: Codable, Equatable, Sendable {
    var name: String
    var price: Double
    var tags: [String] = []
}

struct BodyTests {
    struct Created: Decodable {
        var item: Item
        var created: Bool
    }

    @Test func jsonToPydanticModel() async throws {
        try await withTestClient(app: Fixture.fastapi) { client in
            let response = try await client.post("/items", json: Item(name: "pen", price: 1.5, tags: ["a"]))
            #expect(response.status == .created)
            #expect(try response.json(Created.self).item == Item(name: "pen", price: 1.5, tags: ["a"]))

            let replaced = try await client.put("/items/7", json: Item(name: "ink", price: 2))
            #expect(replaced.status == .ok)
        }
    }

    @Test func invalidJSONIs422() async throws {
        try await withTestClient(app: Fixture.fastapi) { client in
            let response = try await client.post("/items", json: ["name": "", "price": "-1"])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("string_too_short"))
        }
    }

    @Test func callerContentTypeIsKeptForJSON() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let response = try await client.post(
                "/echo",
                headers: [.contentType: "application/vnd.api+json"],
                json: ["a": 1]
            )
            #expect(response.headers[.contentType] == "application/vnd.api+json")
            #expect(response.text == #"{"a":1}"#)
        }
    }

    @Test func formPost() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.post("/form", form: [("user", "ana maría"), ("tag", "a&b"), ("tag", "c")])
            #expect(try response.json([String: [String]].self) == ["user": ["ana maría"], "tag": ["a&b", "c"]])
        }
        try await withTestClient(app: Fixture.fastapi) { client in
            let response = try await client.post("/login", form: [("user", "ana"), ("pw", "s3cret")])
            #expect(response.status == .ok)
            #expect(response.text == #"{"user":"ana","pw_length":6}"#)
        }
    }

    @Test func rawBytesRoundTrip() async throws {
        let bytes: [UInt8] = Array(0...255) + Array(0...255)
        for app in [Fixture.asgi3, Fixture.starlette, Fixture.quart] {
            try await withTestClient(app: app) { client in
                let response = try await client.put(
                    "/echo",
                    headers: [.contentType: "application/octet-stream"],
                    body: bytes
                )
                #expect(response.body == bytes, "\(app)")
            }
        }
    }

    @Test func textUsesTheCharset() async throws {
        try await withTestClient(app: Fixture.asgi3) { client in
            let response = try await client.post(
                "/echo",
                headers: [.contentType: "text/plain; charset=latin-1"],
                body: [0x63, 0x61, 0x66, 0xE9]
            )
            #expect(response.text == "café")
        }
    }
}
