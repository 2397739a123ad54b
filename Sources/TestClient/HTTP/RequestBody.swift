public import Foundation

/// A request body and the `Content-Type` it implies: the one value every way of sending a request
/// builds and hands to ``TestClient/request(_:_:query:headers:body:timeout:followRedirects:fileID:line:)``.
///
/// ```swift
/// try await client.post("/items", body: .json(item, encoder: encoder))
/// try await client.put("/notes", body: .form([("title", "x")]))
/// try await client.post("/ingest", body: .stream(chunks))          // any AsyncSequence of [UInt8]
/// ```
///
/// A `Content-Type` (and `Content-Length`, or `Transfer-Encoding: chunked` for a stream) is sent
/// unless the request's headers set one.
public struct RequestBody: Sendable {
    enum Content: Sendable {
        case bytes([UInt8])
        case stream(RequestChunks)
    }

    let content: Content
    /// The `Content-Type` the body implies, if any.
    let contentType: String?

    init(bytes: [UInt8], contentType: String?) {
        self.content = .bytes(bytes)
        self.contentType = contentType
    }

    /// No body.
    public static let empty = RequestBody(bytes: [], contentType: nil)

    /// Raw bytes, sent as they are, with no `Content-Type`.
    /// - Parameter bytes: The body.
    /// - Returns: The body.
    public static func bytes(_ bytes: [UInt8]) -> RequestBody {
        RequestBody(bytes: bytes, contentType: nil)
    }

    /// `value` encoded as JSON, `Content-Type: application/json`.
    /// - Parameters:
    ///   - value: Any `Encodable` value.
    ///   - encoder: The encoder to use.
    /// - Returns: The body.
    /// - Throws: `EncodingError` when `value` cannot be encoded.
    public static func json(_ value: some Encodable, encoder: JSONEncoder = JSONEncoder()) throws -> RequestBody {
        RequestBody(bytes: Array(try encoder.encode(value)), contentType: "application/json")
    }

    /// Fields, in order (names may repeat), `application/x-www-form-urlencoded`.
    /// - Parameter fields: The names and values.
    /// - Returns: The body.
    public static func form(_ fields: [(String, String)]) -> RequestBody {
        var bytes: [UInt8] = []
        for (name, value) in fields {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: "&")) }
            bytes += Percent.formEncode(name)
            bytes.append(UInt8(ascii: "="))
            bytes += Percent.formEncode(value)
        }
        return RequestBody(bytes: bytes, contentType: "application/x-www-form-urlencoded")
    }

    /// Fields and files together, `multipart/form-data` with a fresh boundary.
    /// - Parameter parts: The parts, in order.
    /// - Returns: The body.
    public static func multipart(_ parts: [MultipartPart]) -> RequestBody {
        let (bytes, contentType) = MultipartEncoder.encode(parts)
        return RequestBody(bytes: bytes, contentType: contentType)
    }

    /// Chunks from an `AsyncSequence`: one `http.request` message each, with `more_body`, each
    /// pulled only when the app's `receive()` asks for it (back-pressure, never drained up front).
    /// An error the sequence throws fails the request. A stream is read once: a 307 or 308 redirect
    /// answering it is not followed but returned.
    /// - Parameter chunks: The chunks.
    /// - Returns: The body.
    public static func stream<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks) -> RequestBody
    where Chunks.Element == [UInt8] {
        RequestBody(content: .stream(RequestChunks(chunks)), contentType: nil)
    }

    private init(content: Content, contentType: String?) {
        self.content = content
        self.contentType = contentType
    }

    /// Bytes or no body (`nil`), as the `body:` parameters take them.
    static func raw(_ bytes: [UInt8]?) -> RequestBody { .bytes(bytes ?? []) }

    /// The bytes of a body given whole; a stream's come later.
    var bytes: [UInt8] {
        guard case .bytes(let bytes) = content else { return [] }
        return bytes
    }

    /// The chunks of a streamed body.
    var chunks: RequestChunks? {
        guard case .stream(let chunks) = content else { return nil }
        return chunks
    }
}

/// The chunks of a streamed ``RequestBody``, whatever sequence they come from.
struct RequestChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    private let makeIterator: @Sendable () -> AsyncIterator

    init<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks) where Chunks.Element == [UInt8] {
        makeIterator = {
            var iterator = chunks.makeAsyncIterator()
            return AsyncIterator { try await iterator.next() }
        }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let nextChunk: () async throws -> [UInt8]?

        mutating func next() async throws -> [UInt8]? { try await nextChunk() }
    }

    func makeAsyncIterator() -> AsyncIterator { makeIterator() }
}
