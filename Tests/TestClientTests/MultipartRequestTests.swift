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
