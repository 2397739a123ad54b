import Testing

@testable import TestClient

struct MultipartTests {
    @Test func exactBytesForFixedBoundary() {
        let (body, contentType) = MultipartEncoder.encode(
            [
                .field(name: "title", value: "café"),
                .file(name: "file", filename: "a.txt", contentType: "text/plain", data: Array("hi".utf8)),
                .file(name: "blob", filename: "b.bin", data: [0x00, 0xFF]),
            ],
            boundary: "BOUNDARY"
        )
        #expect(contentType == "multipart/form-data; boundary=BOUNDARY")
        let expected: [UInt8] =
            Array(
                """
                --BOUNDARY\r
                Content-Disposition: form-data; name="title"\r
                \r
                café\r
                --BOUNDARY\r
                Content-Disposition: form-data; name="file"; filename="a.txt"\r
                Content-Type: text/plain\r
                \r
                hi\r
                --BOUNDARY\r
                Content-Disposition: form-data; name="blob"; filename="b.bin"\r
                Content-Type: application/octet-stream\r
                \r

                """.utf8
            ) + [0x00, 0xFF] + Array("\r\n--BOUNDARY--\r\n".utf8)
        #expect(body == expected)
    }

    @Test func noPartsIsJustTheCloseDelimiter() {
        let (body, _) = MultipartEncoder.encode([], boundary: "xyz")
        #expect(body == Array("--xyz--\r\n".utf8))
    }

    @Test func emptyValueAndEmptyFile() {
        let (body, _) = MultipartEncoder.encode(
            [.field(name: "e", value: ""), .file(name: "f", filename: "", data: [])],
            boundary: "B"
        )
        #expect(
            String(decoding: body, as: UTF8.self) == """
                --B\r
                Content-Disposition: form-data; name="e"\r
                \r
                \r
                --B\r
                Content-Disposition: form-data; name="f"; filename=""\r
                Content-Type: application/octet-stream\r
                \r
                \r
                --B--\r

                """
        )
    }

    @Test func nonASCIINamesAndFilenamesAreUTF8() {
        let (body, _) = MultipartEncoder.encode(
            [
                .field(name: "naïve", value: "日本語"),
                .file(name: "pièce", filename: "résumé 📄.pdf", contentType: "application/pdf", data: [1]),
            ],
            boundary: "B"
        )
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("Content-Disposition: form-data; name=\"naïve\"\r\n\r\n日本語\r\n"))
        #expect(text.contains("Content-Disposition: form-data; name=\"pièce\"; filename=\"résumé 📄.pdf\"\r\n"))
        // Raw UTF-8, not percent-encoded and no filename*.
        #expect(body.starts(with: Array("--B\r\nContent-Disposition: form-data; name=\"na\u{EF}".utf8)))
        #expect(!text.contains("filename*"))
    }

    @Test func quotesAndLineBreaksAreEscaped() {
        let (body, _) = MultipartEncoder.encode(
            [
                .field(name: "a\"b\r\nc", value: "line1\r\nline2 \"quoted\""),
                .file(
                    name: "f",
                    filename: "evil\".txt\r\nContent-Type: text/html",
                    contentType: "text/plain\r\nX: y",
                    data: []
                ),
            ],
            boundary: "B"
        )
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("name=\"a%22b%0D%0Ac\"\r\n"))
        // Values are content, sent as they are.
        #expect(text.contains("\r\n\r\nline1\r\nline2 \"quoted\"\r\n--B\r\n"))
        #expect(
            text.contains(
                "name=\"f\"; filename=\"evil%22.txt%0D%0AContent-Type: text/html\"\r\nContent-Type: text/plainX: y\r\n"
            )
        )
        #expect(MultipartEncoder.escape("back\\slash/%") == "back\\slash/%")
    }

    @Test func binaryDataIsSentByteForByte() {
        let data = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let (body, contentType) = MultipartEncoder.encode([.file(name: "bin", filename: "x.bin", data: data)])
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        let head = Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"bin\"; filename=\"x.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8
        )
        let tail = Array("\r\n--\(boundary)--\r\n".utf8)
        #expect(body == head + data + tail)
    }

    @Test func randomBoundaryIs32HexDigits() {
        let boundaries = (0..<20).map { _ in MultipartEncoder.randomBoundary() }
        for boundary in boundaries {
            #expect(boundary.count == 32)
            #expect(boundary.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        #expect(Set(boundaries).count == boundaries.count)

        let (_, first) = MultipartEncoder.encode([.field(name: "a", value: "b")])
        let (_, second) = MultipartEncoder.encode([.field(name: "a", value: "b")])
        #expect(first.hasPrefix("multipart/form-data; boundary="))
        #expect(first.count == "multipart/form-data; boundary=".count + 32)
        #expect(first != second)
    }

    @Test func boundaryOccurringInContentIsRegenerated() {
        var candidates = ["inValue", "inData", "inName", "inFilename", "inType", "clean"]
        var offered: [String] = []
        let (body, contentType) = MultipartEncoder.encode(
            [
                .field(name: "x-inName", value: "has inValue inside"),
                .file(
                    name: "f",
                    filename: "inFilename.txt",
                    contentType: "text/inType",
                    data: Array("...inData...".utf8)
                ),
            ],
            nextBoundary: {
                offered.append(candidates[0])
                return candidates.removeFirst()
            }
        )
        #expect(offered == ["inValue", "inData", "inName", "inFilename", "inType", "clean"])
        #expect(contentType == "multipart/form-data; boundary=clean")
        #expect(String(decoding: body, as: UTF8.self).hasPrefix("--clean\r\n"))
    }

    @Test func randomBoundaryIsAbsentFromContent() {
        let parts: [MultipartPart] = [
            .field(name: "hex", value: String(repeating: "0123456789abcdef", count: 64)),
            .file(name: "data", filename: "d", data: (0..<4096).map { UInt8(truncatingIfNeeded: $0) }),
        ]
        for _ in 0..<10 {
            let (body, contentType) = MultipartEncoder.encode(parts)
            let boundary = Array(contentType.dropFirst("multipart/form-data; boundary=".count).utf8)
            // The boundary appears exactly in the three delimiter lines.
            var occurrences = 0
            if body.count >= boundary.count {
                for start in 0...(body.count - boundary.count)
                where body[start..<(start + boundary.count)].elementsEqual(boundary) {
                    occurrences += 1
                }
            }
            #expect(occurrences == 3)
        }
    }

    @Test func callSitesReadNaturally() {
        let parts: [MultipartPart] = [
            .field(name: "title", value: "café"),
            .file(name: "file", filename: "a.txt", contentType: "text/plain", data: Array("hi".utf8)),
            .file(name: "raw", filename: "r", data: [1, 2]),
        ]
        #expect(parts[2] == .file(name: "raw", filename: "r", contentType: "application/octet-stream", data: [1, 2]))
    }
}
