import PyASGIBridge
import TestClient

extension Benchmark {
    /// Whether memory stays flat over many requests: RSS and the number of Python objects before
    /// and after.
    static func requestMemory(_ client: TestClient, runtime: PythonRuntime, options: Options) async throws {
        let app = options.apps[0]
        let requests = options.memoryRequests
        for _ in 0..<10_000 { _ = try await client.get("/") }
        let objectsBefore = try await runtime.call(module: "bench_peers", function: "objects")
        let rssBefore = ProcessMemory.resident
        for _ in 0..<requests { _ = try await client.get("/") }
        let rssAfter = ProcessMemory.resident
        let objectsAfter = try await runtime.call(module: "bench_peers", function: "objects")
        print("")
        print(
            "memory (\(app), \(requests) × GET / after 10,000 warm-up): RSS \(rssBefore.mebibytes) → "
                + "\(rssAfter.mebibytes) MiB (growth \(f(Double(rssAfter - rssBefore) / 1_048_576, 2)) MiB); "
                + "Python objects \(objectsBefore) → \(objectsAfter)"
        )
    }

    /// How much memory a slow reader of a long stream costs: the bare app streams fresh 64 KiB
    /// chunks; the reader takes one, pauses, then reads the rest pausing 1 ms per MiB. Without
    /// back-pressure the app sends everything during the pause and the client holds it.
    static func slowStream(
        runtime: PythonRuntime,
        configuration: TestClientConfiguration,
        options: Options
    ) async throws {
        let chunks = 16_384
        let pause = 800
        let client = try await TestClient(app: "bench_apps:bare", configuration: configuration)
        var rows = [
            try await SlowStreamRun.measure(client: "ours", chunks: chunks, runtime: runtime) {
                try await readSlowly(client, runtime: runtime, chunks: chunks, pauseMilliseconds: pause)
            }
        ]
        try await client.close()
        for peer in ["httpx", "aatc"] where options.peerStreamChunks > 0 {
            let peerChunks = options.peerStreamChunks
            rows.append(
                try await SlowStreamRun.measure(client: peer, chunks: peerChunks, runtime: runtime) {
                    let text = try await runtime.call(
                        module: "bench_peers",
                        function: "slow_stream",
                        arguments: [peer, "bench_apps:bare", "\(peerChunks)", "\(pause)"]
                    )
                    let fields = text.split(separator: " ").compactMap { Int($0) }
                    guard fields.count == 2 else { throw BenchmarkError("slow_stream gave \(text)") }
                    return (fields[0], fields[1])
                }
            )
        }
        printSlowStream(rows, chunks: chunks, pauseMilliseconds: pause)
    }

    /// Reads `/huge` as `bench_peers.slow_stream` does, and asks the app how much it had sent when
    /// the pause ended.
    static func readSlowly(
        _ client: TestClient,
        runtime: PythonRuntime,
        chunks: Int,
        pauseMilliseconds: Int
    ) async throws -> (sent: Int, read: Int) {
        try await client.stream("/huge", query: [("chunks", "\(chunks)")]) { streamed in
            var body = streamed.body.makeAsyncIterator()
            var read = try await body.next()?.count ?? 0
            try await Task.sleep(for: .milliseconds(pauseMilliseconds))
            let sent = Int(try await runtime.call(module: "bench_apps", function: "huge_sent")) ?? -1
            var mebibytes = read >> 20
            while let chunk = try await body.next() {
                read += chunk.count
                if read >> 20 > mebibytes {
                    mebibytes = read >> 20
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            return (sent, read)
        }
    }

    static func printSlowStream(_ rows: [SlowStreamRun], chunks: Int, pauseMilliseconds: Int) {
        let peak =
            rows.allSatisfy(\.peakWasReset)
            ? "VmHWM, reset before each run" : "VmHWM of the whole process (it could not be reset)"
        print("")
        print(
            "slow reader (bare app, GET /huge: fresh 64 KiB chunks; read one, pause \(pauseMilliseconds) ms,"
                + " then read the rest pausing 1 ms per MiB; freed memory trimmed before each run; peak RSS is"
                + " \(peak)):"
        )
        print(
            "| client | stream | app had sent when the pause ended | RSS before | peak RSS | peak − before | seconds |"
        )
        print("|---|---|---|---|---|---|---|")
        for row in rows {
            let size = (row.chunks * 65_536).mebibytes
            let stream = row.chunks == chunks ? "\(size) MiB" : "\(size) MiB (capped)"
            print(
                "| \(row.client) | \(stream) | \(row.sent.mebibytes) MiB | \(row.rssBefore.mebibytes) MiB | "
                    + "\(row.peak.mebibytes) MiB | \((row.peak - row.rssBefore).mebibytes) MiB | \(f(row.seconds, 2)) |"
            )
            if row.read != row.chunks * 65_536 {
                print("  (\(row.client) read \(row.read) bytes, not \(row.chunks * 65_536))")
            }
        }
        print(
            "The peers' streams are capped (--peer-stream-chunks N, 0 skips them): httpx's ASGITransport runs the"
                + " app to its end before it returns the response and gives the body as one bytes object (the parts"
                + " joined); async-asgi-testclient queues all that the app sends."
        )
    }
}

/// One slow read of `/huge`, and the memory it took.
struct SlowStreamRun {
    let client: String
    let chunks: Int
    /// Bytes the app had handed to `send()` when the pause ended.
    let sent: Int
    let read: Int
    let seconds: Double
    let rssBefore: Int
    let peak: Int
    let peakWasReset: Bool

    static func measure(
        client: String,
        chunks: Int,
        runtime: PythonRuntime,
        _ run: () async throws -> (sent: Int, read: Int)
    ) async throws -> SlowStreamRun {
        // What an earlier run freed should neither count as resident nor serve this run for free.
        _ = try await runtime.call(module: "bench_peers", function: "release_memory")
        let rssBefore = ProcessMemory.resident
        let peakWasReset = ProcessMemory.resetPeak()
        let clock = ContinuousClock()
        let start = clock.now
        let (sent, read) = try await run()
        let seconds = (clock.now - start).micros / 1e6
        return SlowStreamRun(
            client: client,
            chunks: chunks,
            sent: sent,
            read: read,
            seconds: seconds,
            rssBefore: rssBefore,
            peak: ProcessMemory.peak,
            peakWasReset: peakWasReset
        )
    }
}
