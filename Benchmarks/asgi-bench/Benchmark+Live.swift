import TestClient
import TestClientLive

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--live`: our client over HTTP against uvicorn serving the app, beside httpx's `AsyncClient`
/// against the same server (in the peer process), batch by batch. Both pay the same server; the
/// difference is the client. The in-process measurements are not run.
extension Benchmark {
    /// The workloads live mode measures unless `--workloads` names others; httpx has no websockets.
    static let liveWorkloads = ["get", "json", "post", "stream", "concurrent", "websocket"]

    static func measureLive(_ options: Options) async throws {
        guard let peerProcess = try makePeerProcess() else {
            throw BenchmarkError("--live runs httpx in the peer process: set BENCH_PYTHON (scripts/bench does)")
        }
        var configuration = TestClientConfiguration()
        configuration.pythonPath = [pythonDirectory]
        configuration.useCookies = options.useCookies
        let chosen = options.workloadsGiven ? options.workloads : liveWorkloads
        let measured = workloads.filter { chosen.contains($0.name) }
        print("live: rounds: \(options.rounds), apps: \(options.apps.joined(separator: ", ")); uvicorn per app")
        var samples: [String: [String: [String: [Double]]]] = [:]
        for app in options.apps {
            // No access log: printing a line per request would cost both clients the same, and drown
            // the table. Keep-alive longer than a batch of ours: httpx's pooled connections wait
            // idle meanwhile, and uvicorn closes idle ones after 5 s (httpx then fails a read).
            let client = try await TestClient(
                app: "bench_apps:\(app)",
                configuration: configuration,
                server: .uvicorn(arguments: [
                    "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "300",
                ])
            )
            let url = client.baseURL.absoluteString
            for round in 0...options.rounds {
                for workload in measured {
                    let before = cpuSeconds()
                    let ours = try await measure(client, workload.name, requests: workload.requests)
                    let oursCPU = (cpuSeconds() - before) * 1e6 / Double(workload.requests)
                    let httpx = try peerProcess.run("live", spec: url, workload: workload.name)
                    guard round > 0 else { continue }  // round 0 warms up
                    var row = samples[app, default: [:]][workload.name, default: [:]]
                    row["ours", default: []].append(ours)
                    row["ours.cpu", default: []].append(oursCPU)
                    row["httpx", default: []].append(httpx.wall)
                    row["httpx.cpu", default: []].append(httpx.cpu)
                    samples[app, default: [:]][workload.name] = row
                }
                if round > 0 { print("\(app): round \(round) done") }
            }
            try await client.close()
        }
        printLiveTable(samples, apps: options.apps, workloads: measured.map { ($0.name, $0.label) })
        if let path = getenv("BENCH_SAMPLES").map({ String(cString: $0) }) {
            try writeSamples(samples, to: path)
        }
    }

    static func printLiveTable(
        _ samples: [String: [String: [String: [Double]]]],
        apps: [String],
        workloads: [(name: String, label: String)]
    ) {
        print("")
        print("Live mode: median µs per request over uvicorn (lower is better); ours/httpx is the median of")
        print("the rounds' ratios. CPU is user + system µs per request of the client's process (not the server's).")
        print("| app | workload | ours live | httpx live | ours/httpx | CPU ours | CPU httpx |")
        print("|---|---|---|---|---|---|---|")
        for app in apps {
            for workload in workloads {
                let row = samples[app]?[workload.name] ?? [:]
                let medians = ["ours", "httpx", "ours.cpu", "httpx.cpu"].map { f(median(row[$0] ?? [])) }
                let ratio = f(medianRatio(row["ours"], row["httpx"]), 2)
                let cells = [app, workload.label] + medians[0..<2] + [ratio] + medians[2...]
                print("| " + cells.joined(separator: " | ") + " |")
            }
        }
    }
}
