import PyASGIBridge
import TestClient
import Testing

/// A fixture function that counts the app calls still running on the loop. The fixtures find them
/// by the locals of the glue's `run_app` (its `scope`), so a rename there would make every count 0:
/// each test that expects 0 first shows, with ``expectFindsACallInFlight(_:path:)``, that the same
/// probe counts a call it knows is running.
struct LeftoverTaskProbe {
    var module: String
    var function: String
    var arguments: [String] = []

    /// `misbehave.app_tasks(prefix)`: calls whose scope path starts with `prefix`.
    static func appTasks(_ prefix: String) -> Self {
        Self(module: "python_fixtures.misbehave", function: "app_tasks", arguments: [prefix])
    }

    /// How many app calls the probe finds now.
    func count() async throws -> Int {
        let runtime = try await PythonRuntime.shared(InterpreterConfiguration())
        let result = try await runtime.call(module: module, function: function, arguments: arguments)
        return try #require(Int(result), "\(function) returned \(result)")
    }

    /// The positive control: while a GET of `path` (a route that stays in flight until the client
    /// leaves) runs, the probe counts it; once the call is cancelled, the count falls back to 0.
    func expectFindsACallInFlight(_ client: TestClient, path: String) async throws {
        let held = Task { try await client.get(path, timeout: .seconds(120)) }
        defer { held.cancel() }
        try await Lifecycle.poll("the probe to find the call of \(path)") { try await count() == 1 }
        held.cancel()
        _ = await held.result
        try await Lifecycle.poll("the call of \(path) to end") { try await count() == 0 }
    }
}
