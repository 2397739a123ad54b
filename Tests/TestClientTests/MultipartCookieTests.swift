import HTTPTypes
import TestClient
import Testing

struct MultipartRequestTests {
    let binary: [UInt8] = [0, 1, 2, 0xFF, 0x0D, 0x0A, 0x2D, 0x2D] + Array(repeating: 0xAB, count: 1000)

    @Test func starletteParsesFieldsAndFilesTogether() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            let response = try await client.post(
                "/upload",
                multipart: [
                    .field(name: "title", value: "café ünïcode"),
                    .file(name: "doc", filename: "résumé.bin", contentType: "application/x-thing", data: binary),
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
            #expect(parts[0] == Part(name: "title", value: "café ünïcode"))
            #expect(parts[1].filename == "résumé.bin")
            #expect(parts[1].content_type == "application/x-thing")
            #expect(parts[1].size == binary.count)
            #expect(parts[1].hex == "000102ff0d0a2d2dabababababababab")
            #expect(parts[2] == Part(name: "title", value: "second"))
        }
    }

    @Test func fastapiUploadFile() async throws {
        try await withTestClient(app: Fixture.fastapi) { client in
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

    @Test func quartRequestFiles() async throws {
        try await withTestClient(app: Fixture.quart) { client in
            let response = try await client.post(
                "/upload",
                multipart: [
                    .field(name: "tag", value: "ü"),
                    .file(name: "blob", filename: "b.bin", data: binary),
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
            #expect(upload.files.first?.size == binary.count)
        }
    }
}

struct CookieRequestTests {
    struct Cookies: Decodable {
        var cookies: [String: String]
        var header: String?
    }

    @Test func cookiesSetByResponsesAreSentLater() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc"), ("theme", "dark")])
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies == ["session": "abc", "theme": "dark"])
            #expect(sent.header?.contains("; ") == true)
            #expect(client.cookies.cookies.count == 2)
        }
    }

    @Test func deletedCookieIsGoneNotEmpty() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get("/cookies/set", query: [("a", "1"), ("b", "2")])
            _ = try await client.get("/cookies/delete", query: [("name", "a")])
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies == ["b": "2"])
        }
    }

    @Test func cookiePathIsRespected() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            _ = try await client.get(
                "/cookies/set",
                query: [("admin", "yes")],
                headers: [HTTPField.Name("x-cookie-path")!: "/admin"]
            )
            let outside = try await client.get("/cookies/get").json(Cookies.self)
            #expect(outside.cookies.isEmpty)
            let inside = try await client.get("/admin/cookies/get").json(Cookies.self)
            #expect(inside.cookies == ["admin": "yes"])
        }
    }

    @Test func jarCanBeTurnedOffAndSetByHand() async throws {
        var configuration = TestClientConfiguration()
        configuration.useCookies = false
        try await withTestClient(app: Fixture.starlette, configuration: configuration) { client in
            _ = try await client.get("/cookies/set", query: [("session", "abc")])
            let sent = try await client.get("/cookies/get").json(Cookies.self)
            #expect(sent.cookies.isEmpty)
        }
        try await withTestClient(app: Fixture.starlette) { client in
            client.cookies.set("manual", "1", domain: "testserver")
            let sent = try await client.get("/cookies/get", headers: [.cookie: "extra=2"]).json(Cookies.self)
            #expect(sent.cookies == ["manual": "1", "extra": "2"])
        }
    }
}
