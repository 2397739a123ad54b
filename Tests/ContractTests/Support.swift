import Foundation
import OpenAPIRuntime
import TestClient
import TestClientOpenAPI

/// The FastAPI service the contract tests run against. A factory: every client gets its own app
/// object, so tests running in parallel never see each other's items.
enum ContractService {
    static let app = "python_fixtures.contract_service:create_app()"
}

/// Runs `body` with a client over its own contract service and the generated client on top.
func withContractAPI<Result: Sendable>(
    configuration: TestClientConfiguration = TestClientConfiguration(),
    serverURL: URL = URL(string: "http://testserver")!,
    _ body: (TestClient, Client) async throws -> Result
) async throws -> Result {
    try await withTestClient(app: ContractService.app, configuration: configuration) { client in
        try await body(client, Client(serverURL: serverURL, transport: TestClientTransport(client: client)))
    }
}

/// Bytes that differ from one position to the next, so a reordered or lost chunk shows.
func pattern(count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 16) }
}

/// Chunks of `size` bytes produced one by one as they are asked for.
struct Chunks: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>
    let bytes: [UInt8]
    let size: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let size: Int
        var offset = 0

        mutating func next() async -> ArraySlice<UInt8>? {
            guard offset < bytes.count else { return nil }
            defer { offset += size }
            return bytes[offset..<Swift.min(offset + size, bytes.count)]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, size: size) }
}

/// A parsed JSON document, compared by value (numbers as doubles, objects by key).
enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
