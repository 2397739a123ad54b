import TestClient
import XCTest

/// The README's XCTest variant of the quickstart, kept compiling and passing.
final class XCTestVariantTests: XCTestCase {
    func testQuickstart() async throws {
        let client = try await TestClient(app: "python_fixtures.quart_app:app")
        let root = try await client.get("/")
        XCTAssertEqual(root.text, "plain response")
        let response = try await client.get("/json")
        XCTAssertEqual(try response.json([String: String].self), ["hello": "world"])
        try await client.close()
    }
}
