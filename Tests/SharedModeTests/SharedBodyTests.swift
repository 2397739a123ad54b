import HTTPTypes
import TestClient
import Testing

/// Request bodies: JSON, forms, raw bytes, multipart, in both modes.
struct SharedBodyTests {
    struct Created: Decodable {
        var item: Item
        var created: Bool
    }

    @Test(arguments: ClientMode.allCases)
    func jsonToPydanticModel(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.fastapi) { client in
            let response = try await client.post("/items", json: Item(name: "pen", price: 1.5, tags: ["a"]))
            #expect(response.status == .created)
            #expect(try response.json(Created.self).item == Item(name: "pen", price: 1.5, tags: ["a"]))

            let replaced = try await client.put("/items/7", json: Item(name: "ink", price: 2))
            #expect(replaced.status == .ok)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func invalidJSONIs422(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.fastapi) { client in
            let response = try await client.post("/items", json: ["name": "", "price": "-1"])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("string_too_short"))
        }
    }

    @Test(arguments: ClientMode.allCases)
    func callerContentTypeIsKeptForJSON(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let response = try await client.post(
                "/echo",
                headers: [.contentType: "application/vnd.api+json"],
                json: ["a": 1]
            )
            #expect(response.headers[.contentType] == "application/vnd.api+json")
            #expect(response.text == #"{"a":1}"#)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func formPost(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.post("/form", form: [("user", "ana maría"), ("tag", "a&b"), ("tag", "c")])
            #expect(try response.json([String: [String]].self) == ["user": ["ana maría"], "tag": ["a&b", "c"]])
        }
        try await mode.withClient(app: Fixture.fastapi) { client in
            let response = try await client.post("/login", form: [("user", "ana"), ("pw", "s3cret")])
            #expect(response.status == .ok)
            #expect(response.text == #"{"user":"ana","pw_length":6}"#)
        }
    }

    @Test(arguments: ClientMode.allCases, [Fixture.asgi3, Fixture.starlette, Fixture.quart])
    func rawBytesRoundTrip(mode: ClientMode, app: String) async throws {
        let bytes: [UInt8] = Array(0...255) + Array(0...255)
        try await mode.withClient(app: app) { client in
            let response = try await client.put(
                "/echo",
                headers: [.contentType: "application/octet-stream"],
                body: bytes
            )
            #expect(response.body == bytes)
        }
    }

    @Test(arguments: ClientMode.allCases)
    func textUsesTheCharset(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.asgi3) { client in
            let response = try await client.post(
                "/echo",
                headers: [.contentType: "text/plain; charset=latin-1"],
                body: [0x63, 0x61, 0x66, 0xE9]
            )
            #expect(response.text == "café")
        }
    }

    static let binary: [UInt8] = [0, 1, 2, 0xFF, 0x0D, 0x0A, 0x2D, 0x2D] + Array(repeating: 0xAB, count: 1000)

    @Test(arguments: ClientMode.allCases)
    func starletteParsesMultipartFieldsAndFilesTogether(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.starlette) { client in
            let response = try await client.post(
                "/upload",
                multipart: [
                    .field(name: "title", value: "café ünïcode"),
                    .file(name: "doc", filename: "résumé.bin", contentType: "application/x-thing", data: Self.binary),
                    .field(name: "title", value: "second"),
                ]
            )
            struct Part: Decodable, Equatable {
                var name: String
                var value: String?
                var filename: String?
                var content_type: String?
                var size: Int?
                var hex: String?
            }
            let parts = try response.json([Part].self)
            #expect(parts.count == 3)
            #expect(parts.first == Part(name: "title", value: "café ünïcode"))
            #expect(parts.dropFirst().first?.filename == "résumé.bin")
            #expect(parts.dropFirst().first?.content_type == "application/x-thing")
            #expect(parts.dropFirst().first?.size == Self.binary.count)
            #expect(parts.dropFirst().first?.hex == "000102ff0d0a2d2dabababababababab")
            #expect(parts.last == Part(name: "title", value: "second"))
        }
    }

    @Test(arguments: ClientMode.allCases)
    func fastapiUploadFile(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.fastapi) { client in
            let response = try await client.post(
                "/upload",
                multipart: [
                    .field(name: "title", value: "notes"),
                    .file(name: "file", filename: "a.txt", contentType: "text/plain", data: Array("hi there".utf8)),
                ]
            )
            #expect(response.status == .ok)
            #expect(
                response.text
                    == #"{"title":"notes","filename":"a.txt","content_type":"text/plain","size":8,"text":"hi there"}"#
            )
        }
    }

    @Test(arguments: ClientMode.allCases)
    func quartRequestFiles(mode: ClientMode) async throws {
        try await mode.withClient(app: Fixture.quart) { client in
            let response = try await client.post(
                "/upload",
                multipart: [
                    .field(name: "tag", value: "ü"),
                    .file(name: "blob", filename: "b.bin", data: Self.binary),
                ]
            )
            struct Upload: Decodable {
                struct File: Decodable {
                    var name: String
                    var filename: String
                    var content_type: String
                    var size: Int
                }
                var fields: [String: [String]]
                var files: [File]
            }
            let upload = try response.json(Upload.self)
            #expect(upload.fields == ["tag": ["ü"]])
            #expect(upload.files.count == 1)
            #expect(upload.files.first?.filename == "b.bin")
            #expect(upload.files.first?.content_type == "application/octet-stream")
            #expect(upload.files.first?.size == Self.binary.count)
        }
    }
}
