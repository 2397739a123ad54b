import Foundation
import HTTPTypes
import Synchronization
import TestClient
import TestClientURLSession
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain URLSession code, as a team's hand-written client has it, reaching the app through
/// `URLSessionConfiguration.testClient(_:)`.
struct URLSessionAdapterTests {
    private struct Item: Codable, Equatable {
        var id: Int
        var name: String
        var price: Double
        var tags: [String]
    }

    private struct Receipt: Decodable {
        var size: Int
        var chunks: Int
    }

    private struct Problem: Decodable {
        var detail: String
    }

    private func withSession<Result: Sendable>(
        _ body: (TestClient, URLSession) async throws -> Result
    ) async throws -> Result {
        try await withTestClient(app: ContractService.app) { client in
            let session = URLSession(configuration: .testClient(client))
            defer { session.finishTasksAndInvalidate() }
            return try await body(client, session)
        }
    }

    @Test func dataForRequestSendsHTTPBodyAndReadsTheResponse() async throws {
        try await withSession { client, session in
            var request = URLRequest(url: client.baseURL.appendingPathComponent("items"))
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"name": "pen", "price": 1.5, "tags": ["office"]}"#.utf8)
            let (data, response) = try await session.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 201)
            #expect(http.value(forHTTPHeaderField: "Content-Type") == "application/json")
            let item = try JSONDecoder().decode(Item.self, from: data)
            #expect(item.name == "pen" && item.tags == ["office"])

            var components = URLComponents(
                url: client.baseURL.appendingPathComponent("items"),
                resolvingAgainstBaseURL: false
            )!
            components.queryItems = [URLQueryItem(name: "tag", value: "office")]
            let (listed, _) = try await session.data(from: components.url!)
            #expect(try JSONDecoder().decode([Item].self, from: listed) == [item])

            var delete = URLRequest(url: client.baseURL.appendingPathComponent("items/\(item.id)"))
            delete.httpMethod = "DELETE"
            let (_, deleted) = try await session.data(for: delete)
            #expect((deleted as? HTTPURLResponse)?.statusCode == 204)
        }
    }

    @Test func aNotFoundIsAResponseNotAnError() async throws {
        try await withSession { client, session in
            let (data, response) = try await session.data(from: client.baseURL.appendingPathComponent("items/99"))
            #expect((response as? HTTPURLResponse)?.statusCode == 404)
            #expect(try JSONDecoder().decode(Problem.self, from: data).detail == "No item 99.")
        }
    }

    @Test func anHTTPBodyStreamIsReadAsTheAppAsksAndComesBackByteForByte() async throws {
        let size = 1024 * 1024 + 3
        let bytes = pattern(count: size)
        try await withSession { client, session in
            var upload = URLRequest(url: client.baseURL.appendingPathComponent("blobs/streamed"))
            upload.httpMethod = "PUT"
            upload.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
            let stream = GatedInputStream(bytes)
            upload.httpBodyStream = stream
            // The service opens gate streamed:1 once it has read the first chunk.
            let firstChunkRead = stream.firstChunkRead
            let opener = Task {
                let opened = try await client.get("/gates/streamed:1", timeout: .seconds(120))
                #expect(opened.status == .noContent)
                firstChunkRead.signal()
            }
            defer { opener.cancel() }
            let (data, response) = try await session.data(for: upload)
            #expect(!stream.gateMissed, "the stream was read past its first chunk before the app read that chunk")
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let receipt = try JSONDecoder().decode(Receipt.self, from: data)
            #expect(receipt.size == size)
            // The stream is read 64 KiB at a time: 16 full chunks and the 3 bytes left.
            #expect(receipt.chunks == 17)

            let (downloaded, _) = try await session.data(from: client.baseURL.appendingPathComponent("blobs/streamed"))
            #expect(Array(downloaded) == bytes)
        }
    }

    @Test func aRedirectIsHandledAsThePlatformCan() async throws {
        try await withSession { client, session in
            let (_, response) = try await session.data(from: client.baseURL.appendingPathComponent("old-items"))
            let http = try #require(response as? HTTPURLResponse)
            #if canImport(Darwin)
            #expect(http.statusCode == 200)
            #expect(http.url?.path == "/items")
            #else
            // FoundationNetworking does not implement wasRedirectedTo: the 3xx comes back as it is.
            #expect(http.statusCode == 307)
            #expect(http.value(forHTTPHeaderField: "Location") == "/items")
            #endif
        }
    }

    /// "At once": a hang would end only at URLRequest's 60 s timeout; a busy machine answers in far
    /// less than the bound.
    static let atOnce = Duration.seconds(15)

    #if !canImport(Darwin)
    @Test func anUploadTaskFailsAtOnceOnLinux() async throws {
        try await withSession { client, session in
            var request = URLRequest(url: client.baseURL.appendingPathComponent("blobs/uploaded"))
            request.httpMethod = "PUT"
            let start = ContinuousClock.now
            let error = await #expect(throws: URLError.self) {
                _ = try await session.upload(for: request, from: Data("bytes".utf8))
            }
            #expect(error?.code == .unsupportedURL)
            #expect(ContinuousClock.now - start < Self.atOnce)
        }
    }
    #endif

    @Test func anAppExceptionFailsTheTask() async throws {
        try await withSession { client, session in
            let error = await #expect(throws: (any Error).self) {
                _ = try await session.data(from: client.baseURL.appendingPathComponent("boom"))
            }
            #if !canImport(Darwin)
            // FoundationNetworking hands the protocol's error over as it is.
            let testClientError = error as? TestClientError
            #expect(testClientError?.code == .appException)
            #expect(testClientError?.pythonException?.message == "the service broke")
            #else
            // Darwin's URLSession hands it over bridged to NSError, whose domain names the type.
            let domain = (error as NSError?)?.domain
            #expect(domain == String(reflecting: TestClientError.self), "\(String(describing: error))")
            #endif
        }
    }

    @Test func anAppExceptionIsA500WhenTheClientAnswersLikeAServer() async throws {
        var configuration = TestClientConfiguration()
        configuration.raiseAppExceptions = false
        try await withTestClient(app: ContractService.app, configuration: configuration) { client in
            let session = URLSession(configuration: .testClient(client))
            defer { session.finishTasksAndInvalidate() }
            let (data, response) = try await session.data(from: client.baseURL.appendingPathComponent("boom"))
            #expect((response as? HTTPURLResponse)?.statusCode == 500)
            #expect(String(decoding: data, as: UTF8.self) == "Internal Server Error")
        }
    }

    @Test func aTestServerURLWithoutALiveClientFailsAtOnce() async throws {
        try await withSession { client, session in
            var components = URLComponents(url: client.baseURL, resolvingAgainstBaseURL: false)!
            components.port = 1
            let start = ContinuousClock.now
            let error = await #expect(throws: URLError.self) {
                _ = try await session.data(from: components.url!.appendingPathComponent("items"))
            }
            #expect(error?.code == .cannotConnectToHost)
            #expect(ContinuousClock.now - start < Self.atOnce)
        }
    }

    @Test func sessionsOverDifferentClientsEachReachTheirOwnApp() async throws {
        try await withSession { first, firstSession in
            try await withSession { second, secondSession in
                #expect(first.baseURL != second.baseURL)
                var create = URLRequest(url: first.baseURL.appendingPathComponent("items"))
                create.httpMethod = "POST"
                create.setValue("application/json", forHTTPHeaderField: "Content-Type")
                create.httpBody = Data(#"{"name": "first", "price": 1}"#.utf8)
                _ = try await firstSession.data(for: create)

                let (secondItems, _) = try await secondSession.data(
                    from: second.baseURL.appendingPathComponent("items")
                )
                #expect(try JSONDecoder().decode([Item].self, from: secondItems).isEmpty)
                // Routing is by URL: the first session reaches the second app through its base URL.
                let (viaOther, _) = try await firstSession.data(from: second.baseURL.appendingPathComponent("items"))
                #expect(try JSONDecoder().decode([Item].self, from: viaOther).isEmpty)
                let (firstItems, _) = try await secondSession.data(from: first.baseURL.appendingPathComponent("items"))
                #expect(try JSONDecoder().decode([Item].self, from: firstItems).map(\.name) == ["first"])
            }
        }
    }

    @Test func aDataDelegateGetsTheBodyWhileTheAppIsStillSending() async throws {
        try await withTestClient(app: ContractService.app) { client in
            let (chunks, collector) = ChunkCollector.make()
            let session = URLSession(configuration: .testClient(client), delegate: collector, delegateQueue: nil)
            defer { session.finishTasksAndInvalidate() }
            var components = URLComponents(
                url: client.baseURL.appendingPathComponent("events"),
                resolvingAgainstBaseURL: false
            )!
            components.queryItems = [
                URLQueryItem(name: "count", value: "3"), URLQueryItem(name: "gate_name", value: "g"),
            ]
            session.dataTask(with: components.url!).resume()

            var received = Data()
            var iterator = chunks.makeAsyncIterator()
            // The app holds the rest until the gate opens, which happens only after the first line
            // has arrived here.
            while !received.contains(UInt8(ascii: "\n")), let chunk = await iterator.next() {
                received.append(chunk)
            }
            #expect(String(decoding: received, as: UTF8.self).hasPrefix(#"{"seq":1,"#))
            let opened = try await client.post("/gates/g")
            #expect(opened.status == .noContent)
            while let chunk = await iterator.next() { received.append(chunk) }
            let lines = String(decoding: received, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 3)
            #expect(collector.completion.withLock { $0 } == .success)
        }
    }

    @Test func cancellingATaskDisconnectsTheApp() async throws {
        try await withTestClient(app: ContractService.app) { client in
            let (chunks, collector) = ChunkCollector.make()
            let session = URLSession(configuration: .testClient(client), delegate: collector, delegateQueue: nil)
            defer { session.finishTasksAndInvalidate() }
            let task = session.dataTask(with: client.baseURL.appendingPathComponent("ticker"))
            task.resume()
            var iterator = chunks.makeAsyncIterator()
            let first = await iterator.next()
            #expect(first != nil)
            task.cancel()
            let report = try await client.get("/ticker/report").json([String: Bool].self)
            #expect(report == ["stopped": true])
        }
    }

    @Test func dataForRequestOnASessionWithADelegateGetsTheWholeBody() async throws {
        try await withTestClient(app: ContractService.app) { client in
            let (_, collector) = ChunkCollector.make()
            let session = URLSession(configuration: .testClient(client), delegate: collector, delegateQueue: nil)
            defer { session.finishTasksAndInvalidate() }
            var components = URLComponents(
                url: client.baseURL.appendingPathComponent("events"),
                resolvingAgainstBaseURL: false
            )!
            components.queryItems = [URLQueryItem(name: "count", value: "50")]
            let (data, _) = try await session.data(from: components.url!)
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 50)
            #expect(lines.last?.hasPrefix(#"{"seq":50,"#) == true)
        }
    }
}

/// A data delegate that hands the body chunks it gets to an `AsyncStream`.
private final class ChunkCollector: NSObject, URLSessionDataDelegate, Sendable {
    enum Completion: Equatable {
        case pending, success, failure
    }

    private let continuation: AsyncStream<Data>.Continuation
    let completion = Mutex(Completion.pending)

    private init(continuation: AsyncStream<Data>.Continuation) {
        self.continuation = continuation
    }

    static func make() -> (AsyncStream<Data>, ChunkCollector) {
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        return (stream, ChunkCollector(continuation: continuation))
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        continuation.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        completion.withLock { $0 = error == nil ? .success : .failure }
        continuation.finish()
    }
}

/// An `httpBodyStream` that gives its first 64 KiB at once and the rest only after
/// ``firstChunkRead`` is signalled (the test does so when the app has read the first chunk): a
/// transport that drained the stream before calling the app would wait here, so the read gives up
/// after 60 s and the upload fails.
private final class GatedInputStream: InputStream {
    let firstChunkRead = DispatchSemaphore(value: 0)
    /// Whether the wait gave up (the rest was asked for before the app read the first chunk).
    private(set) var gateMissed = false
    private let bytes: [UInt8]
    private var offset = 0
    private var status = Stream.Status.notOpen

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        super.init(data: Data())
    }

    override var streamStatus: Stream.Status { status }
    override var streamError: (any Error)? { gateMissed ? URLError(.timedOut) : nil }
    override var hasBytesAvailable: Bool { offset < bytes.count }
    override func open() { status = .open }
    override func close() { status = .closed }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        let chunk = 64 * 1024
        if offset == chunk, firstChunkRead.wait(timeout: .now() + 60) == .timedOut {
            gateMissed = true
            status = .error
            return -1
        }
        let count = min(length, chunk - offset % chunk, bytes.count - offset)
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + offset, count: count) }
        offset += count
        if offset == bytes.count { status = .atEnd }
        return count
    }
}
