import Foundation
import PyASGIBridge
import TestClient

/// `asgi-bench --account` (with `ASGI_BRIDGE_ACCOUNT=1`, which scripts/bench sets): where our
/// microseconds per request go, each line measured. The floors run as batches of the peers; our
/// requests stamp moments along their path (``CallAccount``), and a line is the mean over a batch
/// of the time between two moments; the table shows the median over the rounds.
extension Benchmark {
    /// The account's lines, in the order printed: a key, and what the line is.
    static let accountLines: [(key: String, label: String)] = [
        ("floor.plain", "raw floor, plain python process (Debian's python3.11, libpython linked in statically)"),
        ("floor.plain.thread", "raw floor, plain process, the loop on a second thread"),
        ("floor.plain.shared", "raw floor, plain process, python linked to the shared libpython we embed"),
        ("floor.embedded", "raw floor in the Swift process, on the bridge's loop"),
        ("floor.embedded.thread", "raw floor in the Swift process, on a stock asyncio loop of a new thread"),
        ("rawtask.plain", "task per request (rawtask), plain process"),
        ("rawtask.embedded", "task per request (rawtask), in the Swift process, bridge's loop"),
        ("ours", "**ours, wall per request** (accounting on)"),
        ("span.request", "1 Swift: the request's scope value, cookies, options; the call queued"),
        ("span.toLoop", "2 hand-off Swift → loop: queued → the loop opens the call"),
        ("span.scope", "3 loop: the scope dict (ScopeBuilder.scope)"),
        ("span.task", "4 loop: receive/send/report functions, the coroutine"),
        ("span.taskStart", "5 loop: the task created → its first step"),
        ("span.app", "6 the app: first step → its coroutine returns"),
        ("span.messages", "  of which receive() messages (ScopeBuilder.message)"),
        ("span.parsing", "  of which send() messages parsed (MessageParser.parse)"),
        ("span.outcome", "7 loop: app returned → outcome handed over"),
        ("span.toSwift", "8 hand-off loop → Swift: handed over → the task has it"),
        ("span.response", "9 Swift: the TestResponse (headers, cookies, logs)"),
        ("span.end", "10 Swift: the call ended (deregistered)"),
        ("span.outside", "11 outside the call: get(), the request value, the benchmark's loop"),
        ("spin", "the task's spin (from waiting to the response or to parking; beside 2–8)"),
        ("parked", "requests that parked instead (%)"),
        ("wakes", "loop woken from its selector (% of requests)"),
        ("loopTail", "loop after handing over, until it waits again (beside 9–11)"),
        ("cpu", "CPU per request, whole process"),
        ("cpu.loop", "  of which the loop thread"),
        ("cpu.swift", "  of which Swift's threads"),
        ("aatc.plain", "AATC, plain process"),
        ("bound.floor", "overhead ratio of no client at all in the Swift process: (in-process floor − plain floor) / (AATC − plain floor)"),
        ("bound.rawtask", "overhead ratio of a task per request and nothing else, in the Swift process (rawtask)"),
        ("bound.ours", "overhead ratio of ours (accounting on)"),
    ]

    static func account(_ options: Options, clients: [String: TestClient], runtime: PythonRuntime) async throws {
        guard CallAccount.isEnabled else {
            throw BenchmarkError("--account needs ASGI_BRIDGE_ACCOUNT=1 in the environment (scripts/bench sets it)")
        }
        let plain = try getenv("BENCH_PYTHON").map {
            try PeerProcess(python: String(cString: $0), directory: pythonDirectory)
        }
        let shared = try getenv("BENCH_SHARED_PYTHON").map { path -> PeerProcess in
            let venv = String(cString: getenv("BENCH_PYTHON")).split(separator: "/").dropLast(2).joined(separator: "/")
            let version = "python\(try pythonVersion())"
            return try PeerProcess(
                python: String(cString: path),
                directory: pythonDirectory,
                environment: ["PYTHONPATH": "/\(venv)/lib/\(version)/site-packages"]
            )
        }
        let workloads = workloads.filter { ["get", "post"].contains($0.name) && options.workloads.contains($0.name) }
        // columns[app workload][line] = one value per round
        var columns: [String: [String: [Double]]] = [:]
        print("account: rounds: \(options.rounds), apps: \(options.apps.joined(separator: ", "))")
        for round in 0...options.rounds {
            for app in options.apps {
                for workload in workloads {
                    var values: [String: Double] = [:]
                    let run = { (kind: String, process: PeerProcess?) throws -> Double in
                        guard let process else { return .nan }
                        return try process.run(kind, app: app, workload: workload.name).wall
                    }
                    let embedded = { (function: String, kind: String) async throws -> Double in
                        Double(
                            try await runtime.call(
                                module: "bench_peers",
                                function: function,
                                arguments: [kind, "bench_apps:\(app)", workload.name]
                            )
                        ) ?? .nan
                    }
                    values["floor.plain"] = try run("raw", plain)
                    values["floor.plain.thread"] = try run("thread-raw", plain)
                    values["floor.plain.shared"] = try run("raw", shared)
                    values["floor.embedded"] = try await embedded("run", "raw")
                    values["floor.embedded.thread"] = try await embedded("run_threaded", "raw")
                    values["rawtask.plain"] = try run("rawtask", plain)
                    values["rawtask.embedded"] = try await embedded("run", "rawtask")
                    try await accountOurs(clients[app]!, workload: workload, runtime: runtime, into: &values)
                    values["aatc.plain"] = try run("aatc", plain)
                    // What the user's instrument would say of a client that cost only what the
                    // process (its libpython) or a task per request costs: the least ours can reach.
                    let floor = values["floor.plain"]!
                    let aatc = values["aatc.plain"]!
                    let ratio = { (value: Double?) in value.map { ($0 - floor) / (aatc - floor) } ?? .nan }
                    values["bound.floor"] = ratio(values["floor.embedded"])
                    values["bound.rawtask"] = ratio(values["rawtask.embedded"])
                    values["bound.ours"] = ratio(values["ours"])
                    if round > 0 {
                        for (key, value) in values {
                            columns["\(app) \(workload.name)", default: [:]][key, default: []].append(value)
                        }
                    }
                }
            }
            if round > 0 { print("round \(round) done") }
        }
        printAccount(columns, options: options, workloads: workloads)
    }

    /// One batch of ours, with the account's totals and the CPU split.
    static func accountOurs(
        _ client: TestClient,
        workload: (name: String, label: String, requests: Int),
        runtime: PythonRuntime,
        into values: inout [String: Double]
    ) async throws {
        _ = AccountTotals.take()
        let loopBefore = try await runtime.loopThreadCPUSeconds()
        let before = cpuSeconds()
        let wall = try await measure(client, workload.name, requests: workload.requests)
        let cpu = cpuSeconds() - before
        let loopCPU = try await runtime.loopThreadCPUSeconds() - loopBefore
        let totals = AccountTotals.take()
        let calls = Double(totals.calls)
        guard totals.calls == workload.requests else {
            throw BenchmarkError(
                "accounted \(totals.calls) of \(workload.requests) calls (\(totals.incomplete) incomplete)"
            )
        }
        let requests = Double(workload.requests)
        // The mean offset of a mark from the call's start, in µs.
        func at(_ mark: CallAccount.Mark) -> Double { Double(totals.offsets[mark.rawValue]) / calls / 1000 }
        func span(_ from: CallAccount.Mark, _ to: CallAccount.Mark) -> Double { at(to) - at(from) }
        values["ours"] = wall
        values["span.request"] = span(.requested, .submitted)
        values["span.toLoop"] = span(.submitted, .opened)
        values["span.scope"] = span(.opened, .scopeBuilt)
        values["span.task"] = span(.scopeBuilt, .taskCreated)
        values["span.taskStart"] = span(.taskCreated, .appStarted)
        values["span.app"] = span(.appStarted, .appEnded)
        values["span.messages"] = Double(totals.messages) / calls / 1000
        values["span.parsing"] = Double(totals.parsing) / calls / 1000
        values["span.outcome"] = span(.appEnded, .handedOver)
        values["span.toSwift"] = span(.handedOver, .resumed)
        values["span.response"] = span(.resumed, .built)
        values["span.end"] = span(.built, .done)
        values["span.outside"] = wall - at(.done)
        values["spin"] = span(.waiting, .spinEnded)
        values["parked"] = Double(totals.parked) / calls * 100
        values["wakes"] = Double(totals.loopWakes) / requests * 100
        values["loopTail"] = Double(totals.loopTail) / calls / 1000
        values["cpu"] = cpu * 1e6 / requests
        values["cpu.loop"] = loopCPU * 1e6 / requests
        values["cpu.swift"] = (cpu - loopCPU) * 1e6 / requests
    }

    static func printAccount(
        _ columns: [String: [String: [Double]]],
        options: Options,
        workloads: [(name: String, label: String, requests: Int)]
    ) {
        let keys = options.apps.flatMap { app in workloads.map { "\(app) \($0.name)" } }
        print("")
        print("Where our microseconds per request go (median over the rounds of each batch's mean; lines 1–11")
        print("add up to the wall time, each measured between two moments stamped on the request's path):")
        print("| µs per request | " + keys.map(columnTitle).joined(separator: " | ") + " |")
        print("|---|" + keys.map { _ in "---:|" }.joined())
        for (key, label) in accountLines {
            let cells = keys.map { f(median(columns[$0]?[key] ?? []), key.hasPrefix("bound.") ? 2 : 1) }
            print("| \(label) | " + cells.joined(separator: " | ") + " |")
        }
    }

    /// `starlette GET /` for the key `starlette get`.
    static func columnTitle(_ key: String) -> String {
        key.replacingOccurrences(of: " get", with: " GET /").replacingOccurrences(of: " post", with: " POST 1 KiB")
    }

    /// `3.11`: the venv's Python version, from its `pyvenv.cfg`.
    static func pythonVersion() throws -> String {
        let python = String(cString: getenv("BENCH_PYTHON"))
        let config = python.split(separator: "/").dropLast(2).joined(separator: "/")
        let text = try String(contentsOfFile: "/\(config)/pyvenv.cfg", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("version") }),
            let value = line.split(separator: "=").last?.trimmingCharacters(in: .whitespaces)
        else { throw BenchmarkError("no version in \(config)/pyvenv.cfg") }
        return value.split(separator: ".").prefix(2).joined(separator: ".")
    }
}
