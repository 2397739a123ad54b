import Foundation
import HTTPTypes
import TestClient
import Testing

/// The drift check: the committed document the Swift client was generated from must still be the
/// one the service serves. When this fails, run scripts/generate-openapi-client and review the
/// diff of the generated client: that is the contract change.
struct DriftTests {
    @Test func theServedOpenAPIDocumentIsTheCommittedOne() async throws {
        let committedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "openapi.json"
        )
        let committed = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: committedURL))
        let served = try await withTestClient(app: ContractService.app) { client in
            let response = try await client.get("/openapi.json")
            #expect(response.status == .ok)
            return try response.json(JSONValue.self)
        }
        #expect(served == committed, "The service's OpenAPI document changed: run scripts/generate-openapi-client.")
    }
}
