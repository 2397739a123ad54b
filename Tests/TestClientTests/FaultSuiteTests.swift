import HTTPTypes
import TestClient
import Testing

struct FaultSuiteTests {
    @Test func thousandSeedsEndInAResponseOrATypedError() async throws {
        try await withTestClient(app: ProtocolTests.app) { client in
            let leftover = LeftoverTaskProbe.appTasks("/fault/")
            try await leftover.expectFindsACallInFlight(client, path: "/fault/hold")
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
                } catch {
                    Issue.record("seed \(seed) ended in an error that is not a TestClientError: \(error)")
                }
            }
            // Each of the three endings occurs: the seeds exercise every path.
            #expect(outcomes.count == 3, "\(outcomes)")
            // No app call is left running.
            #expect(try await leftover.count() == 0)
        }
    }
}
