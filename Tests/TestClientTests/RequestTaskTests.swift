import TestClient
import Testing

/// Every request runs as a task of its own, started as a server starts it: through a task factory
/// the app installed on the loop, when there is one. Serialized: the apps of a process share one
/// loop, so while `task_apps:app` runs its factory makes every app's tasks.
@Suite(.serialized) struct RequestTaskTests {
    /// What `python_fixtures.task_apps` answers: the request's `asyncio.current_task()`.
    struct TaskReport: Decodable, Equatable {
        var type: String?
        var id: Int
        var name: String?
    }

    @Test func eachRequestRunsAsATaskOfItsOwn() async throws {
        try await withTestClient(app: "python_fixtures.task_apps:plain") { client in
            let first = try await client.get("/").json(TaskReport.self)
            let second = try await client.get("/").json(TaskReport.self)
            #expect(first.type == "Task")
            #expect(second.type == "Task")
            // Task names are numbered per task made: two requests never share one.
            #expect(first.name != nil)
            #expect(first.name != second.name)
        }
    }

    @Test func aTaskFactoryTheAppInstalledMakesTheRequestTasks() async throws {
        try await withTestClient(app: "python_fixtures.task_apps:app") { client in
            let report = try await client.get("/").json(TaskReport.self)
            #expect(report.type == "MarkedTask")
        }
        // The app removed its factory at shutdown: requests are plain tasks again.
        try await withTestClient(app: "python_fixtures.task_apps:plain") { client in
            let report = try await client.get("/").json(TaskReport.self)
            #expect(report.type == "Task")
        }
    }
}
