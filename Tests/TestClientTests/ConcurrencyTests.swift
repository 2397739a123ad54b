import HTTPTypes
import TestClient
import Testing

struct ConcurrencyTests {
    @Test func sixtyFourRequestsInFlight() async throws {
        try await withTestClient(app: Fixture.starlette) { client in
            try await withThrowingTaskGroup(of: (Int, EchoedScope).self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let response = try await client.post(
                            "/scope",
                            query: [("n", String(index))],
                            body: Array(String(index).utf8)
                        )
                        return (index, try response.json(EchoedScope.self))
                    }
                }
                var seen = Set<Int>()
                for try await (index, scope) in group {
                    #expect(scope.query_string == "n=\(index)")
                    #expect(scope.header("content-length") == [String(String(index).count)])
                    seen.insert(index)
                }
                #expect(seen.count == 64)
            }
        }
    }
}
