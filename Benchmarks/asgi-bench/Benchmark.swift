import HTTPTypes
import PyASGIBridge
import TestClient

#if canImport(Glibc)
import Glibc
#endif

/// Measures our client against the Python peers in one process, in interleaved rounds, and prints
/// medians and ratios; then memory: a long run of requests, and the peak RSS while a 1 GiB stream is
/// read slowly. `scripts/bench` builds it in release mode and runs it.
@main
struct Benchmark {
    static let apps = ["bare", "starlette", "fastapi", "quart"]
    static let workloads: [(name: String, label: String, requests: Int)] = [
        ("get", "GET / ×2000", 2000),
        ("json", "GET /json ×2000 (decoded)", 2000),
        ("post", "POST /echo 1 KiB ×2000", 2000),
        ("stream", "GET /stream 100×1 KiB ×200", 200),
        ("concurrent", "GET / ×2000, 64 in flight", 2000),
        ("websocket", "websocket echo ×1000, one socket", 1000),
        ("big", "GET /big 100 MiB ×5 (buffered)", 5),
    ]
    /// The peers measured beside ours (`BENCH_PEERS=raw,aatc` picks some, `BENCH_PEERS=` none).
    static let peers =
        getenv("BENCH_PEERS").map { String(cString: $0).split(separator: ",").map(String.init) }
        ?? ["raw", "aatc", "httpx"] + (getenv("BENCH_RAWTASK") != nil ? ["rawtask"] : [])

    /// `Benchmarks/python` (the apps and the peers), found from this file's path so that the
    /// benchmark runs from any directory.
    static let pythonDirectory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        // Benchmarks/asgi-bench/Benchmark.swift
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/python"
    }()

    struct Options {
        var rounds = 5
        var apps = Benchmark.apps
        var workloads = Benchmark.workloads.map(\.name)
        var memoryRequests = 100_000
        var useCookies = true
        /// Whether the memory measurements follow the timings.
        var memory = true
        /// How much of /huge the peers stream (they hold all of it, httpx twice); 0 skips them.
        var peerStreamChunks = 4_096
        /// Where our time goes instead of the comparison (see Benchmark+Account.swift).
        var account = false
        /// `--live`: ours and httpx over uvicorn instead of the in-process measurements.
        var live = false
        /// Whether `--workloads` was given (live mode has defaults of its own).
        var workloadsGiven = false

        static let usage =
            "usage: asgi-bench [--rounds N] [--apps bare,starlette,fastapi,quart] [--workloads get,json,…,big]"
            + " [--memory-requests N] [--peer-stream-chunks N] [--no-cookies] [--no-memory] [--account] [--live]"

        init?(_ arguments: some Sequence<String>) {
            var arguments = arguments.makeIterator()
            while let argument = arguments.next() {
                switch argument {
                case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
                case "--apps": apps = (arguments.next() ?? "").split(separator: ",").map(String.init)
                case "--workloads":
                    workloads = (arguments.next() ?? "").split(separator: ",").map(String.init)
                    workloadsGiven = true
                case "--memory-requests": memoryRequests = Int(arguments.next() ?? "") ?? memoryRequests
                case "--peer-stream-chunks": peerStreamChunks = Int(arguments.next() ?? "") ?? peerStreamChunks
                case "--no-cookies": useCookies = false
                case "--no-memory": memory = false
                case "--account": account = true
                case "--live": live = true
                default: return nil
                }
            }
        }
    }

    static func main() async throws {
        guard var options = Options(CommandLine.arguments.dropFirst()) else {
            print(Options.usage)
            return
        }
        if options.account, !CommandLine.arguments.contains("--apps") { options.apps = ["starlette", "fastapi"] }
        if options.live {
            try await measureLive(options)
            return
        }
        var configuration = TestClientConfiguration()
        configuration.lifespan = .off
        configuration.useCookies = options.useCookies
        configuration.pythonPath = [pythonDirectory]
        var clients: [String: TestClient] = [:]
        for app in options.apps {
            clients[app] = try await TestClient(app: "bench_apps:\(app)", configuration: configuration)
        }
        let runtime = try await PythonRuntime.shared(InterpreterConfiguration(searchPaths: [pythonDirectory]))
        if options.account {
            try await account(options, clients: clients, runtime: runtime)
            for client in clients.values { try await client.close() }
            return
        }

        let samples = try await measureRounds(options, clients: clients, runtime: runtime)
        printTable(samples, options: options)
        if let path = getenv("BENCH_SAMPLES").map({ String(cString: $0) }) {
            try writeSamples(samples, to: path)
        }
        if options.memory {
            try await requestMemory(clients[options.apps[0]]!, runtime: runtime, options: options)
            try await slowStream(runtime: runtime, configuration: configuration, options: options)
        }
        for client in clients.values { try await client.close() }
    }

    /// Where the peers run: a plain python process of the venv (`BENCH_PYTHON`, set by
    /// scripts/bench; `BENCH_MODE=inprocess` runs them on the embedded interpreter instead).
    static func makePeerProcess() throws -> PeerProcess? {
        guard getenv("BENCH_MODE").map({ String(cString: $0) }) != "inprocess",
            let python = getenv("BENCH_PYTHON").map({ String(cString: $0) })
        else { return nil }
        return try PeerProcess(python: python, directory: pythonDirectory)
    }

    /// samples[app][workload][client] = µs per request, one per round; `client.cpu` the CPU µs per
    /// request (user + system) of the process that ran it.
    static func measureRounds(
        _ options: Options,
        clients: [String: TestClient],
        runtime: PythonRuntime
    ) async throws -> [String: [String: [String: [Double]]]] {
        var samples: [String: [String: [String: [Double]]]] = [:]
        let peerProcess = try makePeerProcess()
        let place = peerProcess == nil ? "on the embedded interpreter" : "in a plain python process"
        print("rounds: \(options.rounds), apps: \(options.apps.joined(separator: ", ")); peers run \(place)")
        for round in 0...options.rounds {
            for app in options.apps {
                for workload in workloads where options.workloads.contains(workload.name) {
                    for client in ["ours"] + peers {
                        let (wall, cpu) = try await batch(
                            client,
                            app: app,
                            workload: workload,
                            on: (clients, runtime, peerProcess)
                        )
                        // Round 0 warms every path up and is not counted.
                        if round > 0 {
                            samples[app, default: [:]][workload.name, default: [:]][client, default: []].append(wall)
                            samples[app, default: [:]][workload.name, default: [:]][client + ".cpu", default: []]
                                .append(cpu)
                        }
                    }
                }
            }
            if round > 0 { print("round \(round) done") }
        }
        return samples
    }

    /// One batch of `client`: wall and CPU µs per request.
    static func batch(
        _ client: String,
        app: String,
        workload: (name: String, label: String, requests: Int),
        on place: (clients: [String: TestClient], runtime: PythonRuntime, peerProcess: PeerProcess?)
    ) async throws -> (wall: Double, cpu: Double) {
        let (clients, runtime, peerProcess) = place
        if client != "ours", let peerProcess {
            return try peerProcess.run(client, app: app, workload: workload.name)
        }
        let before = cpuSeconds()
        let wall: Double
        if client == "ours" {
            wall = try await measure(clients[app]!, workload.name, requests: workload.requests)
        } else {
            let text = try await runtime.call(
                module: "bench_peers",
                function: "run",
                arguments: [client, "bench_apps:\(app)", workload.name]
            )
            wall = Double(text) ?? .nan
        }
        return (wall, (cpuSeconds() - before) * 1e6 / Double(workload.requests))
    }

    static func measure(_ client: TestClient, _ workload: String, requests: Int) async throws -> Double {
        let clock = ContinuousClock()
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
        let start = clock.now
        switch workload {
        case "get":
            for _ in 0..<requests { _ = try await client.get("/") }
        case "json":
            for _ in 0..<requests { _ = try await client.get("/json").json(Payload.self) }
        case "post":
            for _ in 0..<requests { _ = try await client.post("/echo", body: body) }
        case "stream":
            for _ in 0..<requests { _ = try await client.get("/stream") }
        case "big":
            for _ in 0..<requests {
                let response = try await client.get("/big")
                guard response.body.count == 100 << 20 else {
                    throw BenchmarkError("/big gave \(response.body.count) bytes")
                }
            }
        case "websocket":
            return try await client.websocket("/ws") { ws in
                let start = clock.now
                for _ in 0..<requests {
                    try await ws.send(text: "x")
                    _ = try await ws.receiveText()
                }
                return (clock.now - start).micros / Double(requests)
            }
        default:
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        for _ in 0..<(requests / 64 + 1) { _ = try await client.get("/") }
                    }
                }
                try await group.waitForAll()
            }
            return (clock.now - start).micros / Double((requests / 64 + 1) * 64)
        }
        return (clock.now - start).micros / Double(requests)
    }

    struct Payload: Decodable {
        var hello: String
        var numbers: [Int]
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The median of `a[i] / b[i]` over the rounds: each round measures both within a second or
    /// so, while the machine's speed drifts over minutes.
    static func medianRatio(_ a: [Double]?, _ b: [Double]?) -> Double {
        guard let a, let b else { return .nan }
        return median(zip(a, b).map { $0 / $1 }.filter(\.isFinite))
    }

    /// Every sample as a tab-separated line (app, workload, client, round, µs per request), for
    /// comparing two builds run by turns (`BENCH_SAMPLES=path scripts/bench`).
    static func writeSamples(_ samples: [String: [String: [String: [Double]]]], to path: String) throws {
        var text = ""
        for (app, workloads) in samples.sorted(by: { $0.key < $1.key }) {
            for (workload, clients) in workloads.sorted(by: { $0.key < $1.key }) {
                for (client, values) in clients.sorted(by: { $0.key < $1.key }) {
                    for (round, value) in values.enumerated() {
                        text += "\(app)\t\(workload)\t\(client)\t\(round + 1)\t\(value)\n"
                    }
                }
            }
        }
        guard let file = fopen(path, "w") else { throw BenchmarkError("cannot write \(path)") }
        defer { fclose(file) }
        fputs(text, file)
    }

    static func printTable(_ samples: [String: [String: [String: [Double]]]], options: Options) {
        print("")
        print("Median µs per request (lower is better); a ratio is the median of the rounds' ratios, each")
        print("between batches run one after the other, so that the machine's drift cancels out. The")
        print("overhead ratio is (ours − raw) / (AATC − raw), per round; CPU is user + system µs per request.")
        print(
            "| app | workload | ours | raw floor | AATC | httpx | ours/AATC | ours/raw | overhead | CPU ours | CPU raw | CPU AATC |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for app in options.apps {
            for workload in workloads where options.workloads.contains(workload.name) {
                let row = samples[app]?[workload.name] ?? [:]
                let medians = ["ours", "raw", "aatc", "httpx", "ours.cpu", "raw.cpu", "aatc.cpu"].map {
                    f(median(row[$0] ?? []))
                }
                let extra = row["rawtask"].map { " rawtask \(f(median($0)))" } ?? ""
                let toAATC = f(medianRatio(row["ours"], row["aatc"]), 2)
                let toRaw = f(medianRatio(row["ours"], row["raw"]), 2)
                let overhead = f(overheadRatio(row), 2)
                let cells = [app, workload.label] + medians[0..<4] + [toAATC, toRaw, overhead] + medians[4...]
                print("| " + cells.joined(separator: " | ") + " |" + extra)
            }
        }
    }

    /// The median over the rounds of (ours − raw) / (AATC − raw): the client's own cost over the
    /// floor, against AATC's.
    static func overheadRatio(_ row: [String: [Double]]) -> Double {
        guard let ours = row["ours"], let raw = row["raw"], let aatc = row["aatc"] else { return .nan }
        let ratios = zip(zip(ours, raw), aatc).map { pair, aatc in (pair.0 - pair.1) / (aatc - pair.1) }
        return median(ratios.filter(\.isFinite))
    }

    static func f(_ value: Double, _ digits: Int = 1) -> String {
        guard value.isFinite else { return "—" }
        var text = String(Int((value * pow10(digits)).rounded()))
        guard digits > 0 else { return text }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        return (negative ? "-" : "") + text
    }

    static func pow10(_ digits: Int) -> Double {
        (0..<digits).reduce(1.0) { value, _ in value * 10 }
    }
}

/// A benchmark whose results cannot be trusted: an app answered something else.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var micros: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
}
