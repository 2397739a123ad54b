import Foundation
import HTTPTypes
import TestClient
import Testing

/// Every verb takes every body form, `query`, `headers`, `timeout` and `followRedirects`, in both of
/// its forms: the ``RequestBody`` value and the labelled parameters.
struct RequestSurfaceTests {
    static let app = "python_fixtures.suite_app:app"

    typealias Labelled = (
        String, [(String, String)], HTTPFields, [UInt8]?, (any Encodable & Sendable)?, JSONEncoder,
        [(String, String)]?, [MultipartPart]?, Duration?, Bool?
    ) async throws -> TestResponse
    typealias Primitive = (String, [(String, String)], HTTPFields, RequestBody, Duration?, Bool?) async throws
        -> TestResponse

    struct Verb {
        var method: HTTPRequest.Method
        var labelled: Labelled
        var primitive: Primitive
    }

    /// A verb's methods as referenced by name, which spells out the caller's `fileID` and `line`.
    typealias LabelledAt = (
        String, [(String, String)], HTTPFields, [UInt8]?, (any Encodable & Sendable)?, JSONEncoder,
        [(String, String)]?, [MultipartPart]?, Duration?, Bool?, String, Int
    ) async throws -> TestResponse
    typealias PrimitiveAt = (String, [(String, String)], HTTPFields, RequestBody, Duration?, Bool?, String, Int)
        async throws -> TestResponse

    static func verb(
        _ method: HTTPRequest.Method,
        _ labelled: @escaping LabelledAt,
        _ primitive: @escaping PrimitiveAt
    ) -> Verb {
        Verb(
            method: method,
            labelled: { try await labelled($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, #fileID, #line) },
            primitive: { try await primitive($0, $1, $2, $3, $4, $5, #fileID, #line) }
        )
    }

    /// The table: each shortcut, and `request` with a method of its own.
    static func verbs(_ client: TestClient) -> [Verb] {
        let propfind = HTTPRequest.Method("PROPFIND")!
        return [
            verb(
                .get,
                client.get(_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:),
                client.get(_:query:headers:body:timeout:followRedirects:fileID:line:)
            ),
            verb(
                .head,
                client.head(_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:),
                client.head(_:query:headers:body:timeout:followRedirects:fileID:line:)
            ),
            verb(
                .options,
                client.options(_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:),
                client.options(_:query:headers:body:timeout:followRedirects:fileID:line:)
            ),
            verb(
                .post,
                client.post(_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:),
                client.post(_:query:headers:body:timeout:followRedirects:fileID:line:)
            ),
            verb(
                .put,
                client.put(_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:),
                client.put(_:query:headers:body:timeout:followRedirects:fileID:line:)
            ),
            verb(
                .patch,
                client.patch(_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:),
                client.patch(_:query:headers:body:timeout:followRedirects:fileID:line:)
            ),
            verb(
                .delete,
                client.delete(_:query:headers:body:json:encoder:form:multipart:timeout:followRedirects:fileID:line:),
                client.delete(_:query:headers:body:timeout:followRedirects:fileID:line:)
            ),
            Verb(
                method: propfind,
                labelled: {
                    try await client.request(
                        propfind,
                        $0,
                        query: $1,
                        headers: $2,
                        body: $3,
                        json: $4,
                        encoder: $5,
                        form: $6,
                        multipart: $7,
                        timeout: $8,
                        followRedirects: $9
                    )
                },
                primitive: {
                    try await client.request(
                        propfind,
                        $0,
                        query: $1,
                        headers: $2,
                        body: $3,
                        timeout: $4,
                        followRedirects: $5
                    )
                }
            ),
        ]
    }

    struct Item: Encodable, Sendable {
        var itemName: String
    }

    enum Form: String, CaseIterable, Sendable {
        case none, bytes, json, form, multipart, stream

        static let encoder = {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            return encoder
        }()
        static let fields = [("a", "1 2"), ("a", "é")]
        static let parts: [MultipartPart] = [.field(name: "title", value: "café")]

        var body: RequestBody {
            get throws {
                switch self {
                case .none: .empty
                case .bytes: .bytes([0, 1, 255])
                case .json: try .json(Item(itemName: "pen"), encoder: Self.encoder)
                case .form: .form(Self.fields)
                case .multipart: .multipart(Self.parts)
                case .stream: .stream([Array("abc".utf8), Array("def".utf8)].async)
                }
            }
        }

        /// The same body through the labelled parameters; a stream has none.
        func send(
            _ verb: Verb,
            _ path: String,
            _ query: [(String, String)],
            _ headers: HTTPFields
        ) async throws
            -> TestResponse?
        {
            let send = verb.labelled
            switch self {
            case .none: return try await send(path, query, headers, nil, nil, Self.encoder, nil, nil, nil, nil)
            case .bytes:
                return try await send(path, query, headers, [0, 1, 255], nil, Self.encoder, nil, nil, nil, nil)
            case .json:
                return try await send(
                    path,
                    query,
                    headers,
                    nil,
                    Item(itemName: "pen"),
                    Self.encoder,
                    nil,
                    nil,
                    nil,
                    nil
                )
            case .form: return try await send(path, query, headers, nil, nil, Self.encoder, Self.fields, nil, nil, nil)
            case .multipart:
                return try await send(path, query, headers, nil, nil, Self.encoder, nil, Self.parts, nil, nil)
            case .stream: return nil
            }
        }

        /// What the app must have received.
        func check(_ response: TestResponse, _ verb: Verb) {
            let seen = { (name: String) in response.headers[HTTPField.Name(name)!] }
            let context = Comment(rawValue: "\(verb.method.rawValue) with \(self)")
            #expect(response.status == .ok, context)
            #expect(seen("x-method") == verb.method.rawValue, context)
            #expect(seen("x-query") == "q=1", context)
            #expect(seen("x-test") == "yes", context)
            let body = seen("x-body").map { Self.bytes(hex: $0) }
            switch self {
            case .none:
                #expect(seen("x-content-type") == "-" && seen("x-body") == "-", context)
            case .bytes:
                #expect(seen("x-content-type") == "-" && body == [0, 1, 255], context)
            case .json:
                #expect(seen("x-content-type") == "application/json", context)
                #expect(body == Array(#"{"item_name":"pen"}"#.utf8), context)
            case .form:
                #expect(seen("x-content-type") == "application/x-www-form-urlencoded", context)
                #expect(body == Array("a=1+2&a=%C3%A9".utf8), context)
            case .multipart:
                #expect(seen("x-content-type")?.hasPrefix("multipart/form-data; boundary=") == true, context)
                let text = String(decoding: body ?? [], as: UTF8.self)
                #expect(text.contains("name=\"title\"\r\n\r\ncafé\r\n"), context)
            case .stream:
                #expect(seen("x-transfer-encoding") == "chunked" && body == Array("abcdef".utf8), context)
            }
        }

        static func bytes(hex: String) -> [UInt8] {
            guard hex != "-" else { return [] }
            let digits = Array(hex.utf8)
            return stride(from: 0, to: digits.count, by: 2).map {
                UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)!
            }
        }
    }

    @Test(arguments: Form.allCases)
    func everyVerbSendsEveryBodyForm(_ form: Form) async throws {
        try await withTestClient(app: Self.app) { client in
            let headers: HTTPFields = [HTTPField.Name("x-test")!: "yes"]
            for verb in Self.verbs(client) {
                let viaValue = try await verb.primitive("/echo", [("q", "1")], headers, try form.body, nil, nil)
                form.check(viaValue, verb)
                if let viaLabel = try await form.send(verb, "/echo", [("q", "1")], headers) {
                    form.check(viaLabel, verb)
                }
            }
        }
    }

    @Test func everyVerbFollowsRedirectsOrNotAsAsked() async throws {
        try await withTestClient(app: Self.app) { client in
            for verb in Self.verbs(client) {
                let kept = try await verb.primitive("/moved", [], [:], .bytes([7]), nil, false)
                #expect(kept.status == .temporaryRedirect, "\(verb.method)")
                let followed = try await verb.labelled("/moved", [], [:], [7], nil, JSONEncoder(), nil, nil, nil, true)
                #expect(followed.status == .ok, "\(verb.method)")
                #expect(followed.headers[HTTPField.Name("x-body")!] == "07", "\(verb.method): 307 keeps the body")
                #expect(followed.history.map(\.status) == [.temporaryRedirect], "\(verb.method)")
            }
        }
    }

    @Test func everyVerbTakesATimeout() async throws {
        try await withTestClient(app: Self.app) { client in
            for verb in Self.verbs(client) {
                await #expect(throws: TestClientError.self, "\(verb.method)") {
                    try await verb.primitive("/sleep", [], [:], .empty, .milliseconds(50), nil)
                }
                let error = await #expect(throws: TestClientError.self, "\(verb.method)") {
                    try await verb.labelled(
                        "/sleep",
                        [],
                        [:],
                        nil,
                        nil,
                        JSONEncoder(),
                        nil,
                        nil,
                        .milliseconds(50),
                        nil
                    )
                }
                #expect(error?.code == .timeout, "\(verb.method)")
            }
        }
    }

    @Test func twoBodiesAreRefusedBeforeTheAppIsCalled() async throws {
        try await withTestClient(app: Self.app) { client in
            let error = await #expect(throws: TestClientError.self) {
                try await client.post("/echo", json: ["a": 1], form: [("a", "1")])
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains("json: and form:") == true)
            #expect(error?.request == "POST /echo")
        }
    }

    @Test func aStreamedBodyIsNotSentAgainByARedirect() async throws {
        try await withTestClient(app: Self.app) { client in
            let response = try await client.put("/moved", body: .stream([[1], [2]].async))
            #expect(response.status == .temporaryRedirect)
            #expect(response.history.isEmpty)
        }
    }
}

extension Array where Element: Sendable {
    /// The elements as an `AsyncSequence`, one at a time.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
