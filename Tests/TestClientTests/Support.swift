import Foundation
import HTTPTypes
import TestClient

/// The scope an app received, as the fixtures' scope-echo routes return it (bytes as latin-1 text).
struct EchoedScope: Decodable {
    var type: String
    var asgi: [String: String]
    var http_version: String
    var method: String?
    var scheme: String
    var path: String
    var raw_path: String
    var query_string: String
    var root_path: String
    var headers: [[String]]
    var client: [Value]?
    var server: [Value]?
    var extensions: [String: [String: String]]?
    var state_keys: [String]?

    enum Value: Decodable, Equatable {
        case string(String)
        case int(Int)
        case null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let number = try? container.decode(Int.self) {
                self = .int(number)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    func header(_ name: String) -> [String] {
        headers.filter { $0.first == name }.map { $0[1] }
    }
}

enum Fixture {
    static let quart = "python_fixtures.quart_app:app"
    static let starlette = "python_fixtures.starlette_app:app"
    static let fastapi = "python_fixtures.fastapi_app:app"
    static let asgi3 = "python_fixtures.raw_asgi:app"
    static let asgi2 = "python_fixtures.raw_asgi:asgi2_app"
    /// The raw ASGI app, a new object per client, recording the path of every call it gets.
    static let counted = "python_fixtures.raw_asgi:counted()"

    /// The paths of the calls a `counted` app got, in order.
    static func calls(_ client: TestClient) async throws -> [String] {
        try await client.get("/calls").json([String].self)
    }
}

struct Item: Codable, Equatable, Sendable {
    var name: String
    var price: Double
    var tags: [String] = []
}
