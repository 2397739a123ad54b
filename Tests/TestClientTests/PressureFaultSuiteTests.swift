import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

/// The seeded fault suite with issue 12's bad inputs (point 5): apps raising `CancelledError` or
/// awaiting a task someone else cancelled, bytes-heavy responses under back-pressure that the test
/// leaves early, and request bodies from a producer that ignores cancellation. Every seed ends in a
/// response or a typed error (never `CancellationError`: the test cancels nothing), and no app call
/// is left running.
struct PressureFaultSuiteTests {
    static let app = "python_fixtures.pressure_faults:app"

    enum Mode: Int, CaseIterable {
        /// `get`, the whole response gathered.
        case buffered
        /// `stream`, reading `seed % 4` chunks (none for 0) and then leaving, early if the app sends more.
        case streamLeftEarly
        /// `request(body: .stream(...))` with a body whose chunks come after a pause that ignores cancellation.
        case stubbornBody
    }

    static func run(_ client: TestClient, seed: Int, mode: Mode) async throws -> HTTPResponse.Status {
        let path = "/pressure-fault/\(seed)"
        switch mode {
        case .buffered:
            return try await client.get(path, timeout: .seconds(5)).status
        case .streamLeftEarly:
            return try await client.stream(path, timeout: .seconds(5)) { streamed in
                guard seed % 4 > 0 else { return streamed.status }
                var read = 0
                for try await _ in streamed.body {
                    read += 1
                    if read >= seed % 4 { break }
                }
                return streamed.status
            }
        case .stubbornBody:
            let body = StubbornChunks(pause: .milliseconds(20))
            return try await client.request(.post, path, body: .stream(body), timeout: .seconds(5)).status
        }
    }

    @Test func thousandSeedsWithIssue12InputsEndInAResponseOrATypedError() async throws {
        try await withTestClient(app: Self.app) { client in
            let leftover = LeftoverTaskProbe.appTasks("/pressure-fault/")
            try await leftover.expectFindsACallInFlight(client, path: "/pressure-fault/hold")
            var outcomes: [String: Int] = [:]
            var cancelledByApp = 0
            for seed in 0..<1000 {
                let mode = Mode(rawValue: seed % Mode.allCases.count)!
                do {
                    let status = try await Self.run(client, seed: seed, mode: mode)
                    #expect((100...599).contains(status.code), "seed \(seed)")
                    outcomes["\(mode) response", default: 0] += 1
                } catch let error as TestClientError {
                    #expect([.protocolViolation, .appException].contains(error.code), "seed \(seed) \(mode): \(error)")
                    if error.pythonException?.type == "asyncio.exceptions.CancelledError" { cancelledByApp += 1 }
                    outcomes["\(mode) \(error.code)", default: 0] += 1
                } catch {
                    Issue.record("seed \(seed) \(mode) ended in an error that is not a TestClientError: \(error)")
                }
            }
            for mode in Mode.allCases {
                #expect(outcomes["\(mode) response", default: 0] > 0, "\(outcomes)")
            }
            // The new input fires: apps' own CancelledErrors reached the test as app exceptions.
            #expect(cancelledByApp > 0, "\(outcomes)")
            let runtime = try await PythonRuntime.shared(InterpreterConfiguration())
            // And streams were left while their app was still sending.
            let refused = try await runtime.call(module: "python_fixtures.pressure_faults", function: "refused_sends")
            #expect((Int(refused) ?? 0) > 0, "no send was refused after an early leave")
            #expect(try await leftover.count() == 0)
        }
    }
}
