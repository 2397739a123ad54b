import Foundation
import HTTPTypes
import TestClient
import Testing

struct ConcurrencyTests {
    /// `/barrier` answers only once all 64 calls of this key are inside the app at the same time: a
    /// client that ran them one after another would get 504s after the fixture's patience ran out.
    @Test func sixtyFourRequestsInFlight() async throws {
        let key = UUID().uuidString
        try await withTestClient(app: Fixture.starlette) { client in
            try await withThrowingTaskGroup(of: (Int, TestResponse).self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let response = try await client.post(
                            "/barrier",
                            query: [("n", String(index)), ("key", key), ("parties", "64")],
                            body: Array(String(index).utf8),
                            timeout: .seconds(120)
                        )
                        return (index, response)
                    }
                }
                var seen = Set<Int>()
                for try await (index, response) in group {
                    #expect(response.status == .ok, "request \(index): \(response.text)")
                    let scope = try response.json(EchoedScope.self)
                    #expect(scope.query_string == "n=\(index)&key=\(key)&parties=64")
                    #expect(scope.header("content-length") == [String(String(index).count)])
                    seen.insert(index)
                }
                #expect(seen.count == 64)
            }
        }
    }
}
