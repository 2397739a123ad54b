import HTTPTypes
import PyASGIBridge
import TestClient
import Testing

struct FaultSuiteTests {
    @Test func thousandSeedsEndInAResponseOrATypedError() async throws {
        try await withTestClient(app: ProtocolTests.app) { client in
            var outcomes: [String: Int] = [:]
            for seed in 0..<1000 {
                do {
                    let response = try await client.get("/fault/\(seed)", timeout: .seconds(5))
                    #expect((100...599).contains(response.status.code))
                    outcomes["response", default: 0] += 1
                } catch let error as TestClientError {
                    #expect([.protocolViolation, .appException].contains(error.code), "seed \(seed): \(error)")
                    if error.code == .appException {
                        #expect(error.pythonException?.traceback.isEmpty == false, "seed \(seed): \(error)")
                    }
                    outcomes[error.code.description, default: 0] += 1
                }
            }
            #expect(outcomes.values.reduce(0, +) == 1000)
            #expect(outcomes.count >= 3, "\(outcomes)")
            // No app call is left running.
            let runtime = try await PythonRuntime.shared(InterpreterConfiguration())
            let running = try await runtime.call(module: "python_fixtures.misbehave", function: "fault_tasks")
            #expect(running == "0")
        }
    }
}
