import Foundation
import TestClient

/// The apps of `python_fixtures/`, addressed as both modes load them.
enum Fixture {
    static let quart = "python_fixtures.quart_app:app"
    static let starlette = "python_fixtures.starlette_app:app"
    static let fastapi = "python_fixtures.fastapi_app:app"
    static let django = "python_fixtures.django_app:app"
    static let litestar = "python_fixtures.litestar_app:app"
    static let sse = "python_fixtures.sse_app:app"
    static let asgi3 = "python_fixtures.raw_asgi:app"
    static let asgi2 = "python_fixtures.raw_asgi:asgi2_app"
}

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

struct Item: Codable, Equatable, Sendable {
    var name: String
    var price: Double
    var tags: [String] = []
}

/// What the Starlette fixture's cookie routes report.
struct SentCookies: Decodable {
    var cookies: [String: String]
    var header: String?
}

/// Waits until `condition` holds, checking every 20 ms; fails after 30 s (the test then reports
/// what it waited for instead of hanging).
func poll(_ what: String, _ condition: () async throws -> Bool) async throws {
    for _ in 0..<1500 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw PollTimeout(what: what)
}

struct PollTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "Waited 30 s for \(what)." }
}
