import Foundation
import HTTPTypes
import OpenAPIRuntime
import TestClient
import TestClientOpenAPI
import Testing

/// Two chunks, the second one made only after `gate` (opened by the app) has been passed.
private struct GatedChunks: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>
    let api: Client
    let gate: String

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunks: GatedChunks
        var sent = 0

        mutating func next() async throws -> ArraySlice<UInt8>? {
            defer { sent += 1 }
            switch sent {
            case 0:
                return ArraySlice("first ".utf8)
            case 1:
                _ = try await chunks.api.awaitGate(path: .init(name: chunks.gate)).noContent
                return ArraySlice("second".utf8)
            default:
                return nil
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
}

/// The client swift-openapi-generator made from the service's own document (Generated/), sending
/// through `TestClientTransport`.
struct OpenAPITransportTests {
    @Test func everyOperationOfTheGeneratedClientReachesTheApp() async throws {
        try await withContractAPI { _, api in
            let pen = try await api.createItem(body: .json(.init(name: "pen", price: 1.5, tags: ["office"])))
                .created.body.json
            #expect(pen.name == "pen" && pen.price == 1.5 && pen.tags == ["office"])
            let mug = try await api.createItem(body: .json(.init(name: "mug", price: 4, tags: ["kitchen"])))
                .created.body.json

            let fetched = try await api.getItem(path: .init(itemId: pen.id)).ok.body.json
            #expect(fetched == pen)

            let office = try await api.listItems(query: .init(tag: "office")).ok.body.json
            #expect(office == [pen])
            let firstOnly = try await api.listItems(query: .init(limit: 1)).ok.body.json
            #expect(firstOnly == [pen])
            let all = try await api.listItems().ok.body.json
            #expect(all == [pen, mug])

            _ = try await api.deleteItem(path: .init(itemId: pen.id)).noContent

            let gone = try await api.getItem(path: .init(itemId: pen.id)).notFound.body.json
            #expect(gone.detail == "No item \(pen.id).")
            let deletedTwice = try await api.deleteItem(path: .init(itemId: pen.id)).notFound.body.json
            #expect(deletedTwice.detail == "No item \(pen.id).")
        }
    }

    @Test func aValidationErrorIsTheDeclared422() async throws {
        try await withContractAPI { _, api in
            let response = try await api.createItem(body: .json(.init(name: "", price: -1)))
            let problem = try response.unprocessableContent.body.json
            let fields = (problem.detail ?? []).map { $0.loc.first?.value1 ?? "" }
            #expect(Set(fields) == ["body"])
            #expect(problem.detail?.count == 2)
        }
    }

    @Test func aBinaryBodyStreamsInItsChunksAndComesBackByteForByte() async throws {
        let size = 1024 * 1024 + 3
        let bytes = pattern(count: size)
        try await withContractAPI { _, api in
            let upload = HTTPBody(
                Chunks(bytes: bytes, size: 64 * 1024),
                length: .known(Int64(size)),
                iterationBehavior: .single
            )
            let receipt = try await api.uploadBlob(path: .init(name: "blob"), body: .binary(upload)).ok.body.json
            #expect(receipt.size == size)
            // One http.request message per 64 KiB chunk: 16 full ones and the 3 bytes left.
            #expect(receipt.chunks == 17)

            let download = try await api.downloadBlob(path: .init(name: "blob")).ok.body.binary
            let downloaded = try await [UInt8](collecting: download, upTo: 2 * size)
            #expect(downloaded == bytes)

            let missing = try await api.downloadBlob(path: .init(name: "nothing")).notFound.body.json
            #expect(missing.detail == "No blob nothing.")
        }
    }

    @Test func aRequestBodyIsPulledAsTheAppReadsIt() async throws {
        try await withContractAPI { _, api in
            // The second chunk is made only once the app has read the first: a transport that
            // collected the body before calling the app would wait here until it timed out.
            let body = HTTPBody(
                GatedChunks(api: api, gate: "gated:1"),
                length: .unknown,
                iterationBehavior: .single
            )
            let receipt = try await api.uploadBlob(path: .init(name: "gated"), body: .binary(body)).ok.body.json
            #expect(receipt.chunks == 2)
            #expect(receipt.size == "first second".utf8.count)
        }
    }

    @Test func jsonLinesAreDecodedWhileTheAppIsStillSending() async throws {
        try await withContractAPI { _, api in
            let response = try await api.streamEvents(query: .init(count: 3, gateName: "after-first"))
            let body = try response.ok.body.applicationJsonl
            var events = body.asDecodedJSONLines(of: Components.Schemas.Event.self).makeAsyncIterator()
            // The app holds events 2 and 3 until the gate opens, and the gate opens only once the
            // first event has been decoded here: a buffered body would never get this far.
            let first = try await events.next()
            #expect(first == .init(seq: 1, message: "event 1"))
            _ = try await api.openGate(path: .init(name: "after-first")).noContent
            var rest: [Int] = []
            while let event = try await events.next() { rest.append(event.seq) }
            #expect(rest == [2, 3])
        }
    }

    @Test func droppingAResponseBodyDisconnectsTheApp() async throws {
        try await withContractAPI { _, api in
            try await readFirstTick(api)
            let report = try await api.tickerReport().ok.body.json
            #expect(report.stopped)
        }
    }

    @Test func cancellingAReadDisconnectsTheApp() async throws {
        try await withContractAPI { _, api in
            let (firstTick, signal) = AsyncStream<Void>.makeStream()
            let reader = Task {
                let body = try await api.ticker().ok.body.applicationJsonl
                for try await _ in body.asDecodedJSONLines(of: Components.Schemas.Event.self) {
                    signal.yield()
                }
            }
            var ticks = firstTick.makeAsyncIterator()
            _ = await ticks.next()
            reader.cancel()
            let outcome = await reader.result
            #expect(throws: CancellationError.self) { try outcome.get() }
            let report = try await api.tickerReport().ok.body.json
            #expect(report.stopped)
        }
    }

    /// Reads one event of the endless ticker, then lets the body go.
    private func readFirstTick(_ api: Client) async throws {
        let body = try await api.ticker().ok.body.applicationJsonl
        var ticks = body.asDecodedJSONLines(of: Components.Schemas.Event.self).makeAsyncIterator()
        let first = try await ticks.next()
        #expect(first?.seq == 1)
    }

    /// The service holds the first operation of each of the 32 tasks at its entry until all 32 are
    /// inside the app at once (a rendezvous the generated client does not know about): a transport
    /// that ran them one after another would get 504s, which no operation documents.
    @Test func thirtyTwoOperationsRunAtOnceThroughOneTransport() async throws {
        try await withContractAPI { client, api in
            let armed = try await client.post("/rendezvous", query: [("parties", "32")])
            #expect(armed.status == .noContent)
            let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<32 {
                    group.addTask {
                        if index.isMultiple(of: 2) {
                            let item = try await api.createItem(body: .json(.init(name: "item \(index)", price: 1)))
                                .created.body.json
                            let fetched = try await api.getItem(path: .init(itemId: item.id)).ok.body.json
                            return (index, fetched.name == "item \(index)" ? 1 : 0)
                        }
                        let body = try await api.streamEvents(query: .init(count: index)).ok.body.applicationJsonl
                        var count = 0
                        for try await _ in body.asDecodedJSONLines(of: Components.Schemas.Event.self) { count += 1 }
                        return (index, count)
                    }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
            }
            for index in 0..<32 {
                #expect(results[index] == (index.isMultiple(of: 2) ? 1 : index))
            }
            let items = try await api.listItems().ok.body.json
            #expect(items.count == 16)
        }
    }

    @Test func theServerURLPathPrefixesOperationsAndItsAuthorityIsTheHost() async throws {
        try await withContractAPI(serverURL: URL(string: "https://api.example:8443/v1/")!) { _, api in
            let info = try await api.requestInfo().ok.body.json
            #expect(info.host == "api.example:8443")
            #expect(info.path == "/v1/request-info")
            #expect(info.rootPath == "")
        }
        try await withContractAPI { _, api in
            let info = try await api.requestInfo().ok.body.json
            #expect(info.host == "testserver")
            #expect(info.path == "/request-info")
        }
    }

    @Test func anAppExceptionIsThrownWithItsTraceback() async throws {
        try await withContractAPI { _, api in
            let error = await #expect(throws: ClientError.self) { try await api.boom() }
            let underlying = error?.underlyingError as? TestClientError
            #expect(underlying?.code == .appException)
            #expect(underlying?.pythonException?.type == "RuntimeError")
            #expect(underlying?.pythonException?.message == "the service broke")
        }
    }

    @Test func anAppExceptionIsA500WhenTheClientAnswersLikeAServer() async throws {
        var configuration = TestClientConfiguration()
        configuration.raiseAppExceptions = false
        try await withContractAPI(configuration: configuration) { _, api in
            let response = try await api.boom()
            guard case .undocumented(let status, let payload) = response else {
                Issue.record("Expected an undocumented 500, got \(response)")
                return
            }
            #expect(status == 500)
            let body = try await String(collecting: payload.body ?? HTTPBody(), upTo: 1024)
            #expect(body == "Internal Server Error")
        }
    }

    @Test func transportsOverDifferentClientsReachTheirOwnApps() async throws {
        try await withContractAPI { _, first in
            try await withContractAPI { _, second in
                _ = try await first.createItem(body: .json(.init(name: "first", price: 1))).created
                let secondItems = try await second.listItems().ok.body.json
                #expect(secondItems.isEmpty)
                let firstItems = try await first.listItems().ok.body.json
                #expect(firstItems.map(\.name) == ["first"])
            }
        }
    }
}
