import HTTPTypes
import PyASGIBridge
import TestClient

#if canImport(Glibc)
import Glibc
#endif

/// Measures our client against the Python peers in one process, in interleaved rounds, and prints
/// medians and ratios. `scripts/bench` builds it in release mode and runs it.
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
    ]
    static let peers = ["raw", "aatc", "httpx"] + (getenv("BENCH_RAWTASK") != nil ? ["rawtask"] : [])

    static func main() async throws {
        var rounds = 5
        var selectedApps = apps
        var memoryRequests = 100_000
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
            case "--apps": selectedApps = (arguments.next() ?? "").split(separator: ",").map(String.init)
            case "--memory-requests": memoryRequests = Int(arguments.next() ?? "") ?? memoryRequests
            case "--no-cookies": break
            default:
                print("usage: asgi-bench [--rounds N] [--apps bare,starlette,fastapi,quart] [--memory-requests N]")
                return
            }
        }

        var configuration = TestClientConfiguration()
        configuration.lifespan = .off
        if CommandLine.arguments.contains("--no-cookies") { configuration.useCookies = false }
        var clients: [String: TestClient] = [:]
        for app in selectedApps {
            clients[app] = try await TestClient(app: "python_fixtures.bench_apps:\(app)", configuration: configuration)
        }
        let runtime = try await PythonRuntime.shared(InterpreterConfiguration())

        // samples[app][workload][client] = µs per request, one per round
        var samples: [String: [String: [String: [Double]]]] = [:]
        print("rounds: \(rounds), apps: \(selectedApps.joined(separator: ", "))")
        for round in 0...rounds {
            for app in selectedApps {
                for workload in workloads {
                    for client in ["ours"] + peers {
                        let micros: Double
                        if client == "ours" {
                            micros = try await measure(clients[app]!, workload.name, requests: workload.requests)
                        } else {
                            let text = try await runtime.call(
                                module: "python_fixtures.bench_peers",
                                function: "run",
                                arguments: [client, "python_fixtures.bench_apps:\(app)", workload.name]
                            )
                            micros = Double(text) ?? .nan
                        }
                        // Round 0 warms every path up and is not counted.
                        if round > 0 {
                            samples[app, default: [:]][workload.name, default: [:]][client, default: []].append(micros)
                        }
                    }
                }
            }
            if round > 0 { print("round \(round) done") }
        }

        printTable(samples, apps: selectedApps)
        try await memory(clients[selectedApps[0]]!, runtime: runtime, requests: memoryRequests, app: selectedApps[0])
        for client in clients.values { try await client.close() }
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

    static func printTable(_ samples: [String: [String: [String: [Double]]]], apps: [String]) {
        print("")
        print("Median µs per request (lower is better); ratios from the same run.")
        print("| app | workload | ours | raw floor | AATC | httpx | ours/AATC | ours/raw |")
        print("|---|---|---|---|---|---|---|---|")
        for app in apps {
            for workload in workloads {
                let row = samples[app]?[workload.name] ?? [:]
                let ours = median(row["ours"] ?? [])
                let raw = median(row["raw"] ?? [])
                let aatc = median(row["aatc"] ?? [])
                let httpx = median(row["httpx"] ?? [])
                let extra = row["rawtask"].map { " rawtask \(f(median($0)))" } ?? ""
                print(
                    "| \(app) | \(workload.label) | \(f(ours)) | \(f(raw)) | \(f(aatc)) | \(f(httpx)) | \(f(ours / aatc, 2)) | \(f(ours / raw, 2)) |\(extra)"
                )
            }
        }
    }

    static func memory(_ client: TestClient, runtime: PythonRuntime, requests: Int, app: String) async throws {
        for _ in 0..<10_000 { _ = try await client.get("/") }
        let objectsBefore = try await runtime.call(module: "python_fixtures.bench_peers", function: "objects")
        let rssBefore = residentBytes()
        for _ in 0..<requests { _ = try await client.get("/") }
        let rssAfter = residentBytes()
        let objectsAfter = try await runtime.call(module: "python_fixtures.bench_peers", function: "objects")
        let growth = Double(rssAfter - rssBefore) / 1_048_576
        print("")
        print(
            "memory (\(app), \(requests) × GET / after 10,000 warm-up): RSS \(f(Double(rssBefore) / 1_048_576, 1)) → \(f(Double(rssAfter) / 1_048_576, 1)) MiB (growth \(f(growth, 2)) MiB); Python objects \(objectsBefore) → \(objectsAfter)"
        )
    }

    static func residentBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0
        var resident = 0
        guard fscanf_pair(file, &size, &resident) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func fscanf_pair(_ file: UnsafeMutablePointer<FILE>, _ first: inout Int, _ second: inout Int) -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
        let fields = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(
            separator: " "
        )
        guard fields.count >= 2, let a = Int(fields[0]), let b = Int(fields[1]) else { return false }
        first = a
        second = b
        return true
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

extension Duration {
    var micros: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
}
