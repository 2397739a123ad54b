import HTTPTypes
import TestClient
import Testing

/// Many tests of one module-level app at once, as a parallel suite runs them: every client of the
/// app object shares one lifespan, so no test's shutdown closes what another test uses.
struct ParallelLifecycleTests {
    enum Service: String, CaseIterable, Sendable {
        case fastapi, litestar, starlette

        var app: String { "python_fixtures.parallel_\(rawValue):app" }
    }

    /// What the services' `/resource` answers: the resource the request used (it fails on a closed
    /// one) and how many lifespans of the app ran so far.
    struct Report: Decodable {
        var serial: Int
        var startups: Int
        var shutdowns: Int
    }

    static let casesPerService = 24
    static let barrier = Barrier(parties: Service.allCases.count * casesPerService)

    @Test(arguments: Service.allCases, 0..<casesPerService)
    func overlappingClientsShareOneLifespan(service: Service, index: Int) async throws {
        let client: TestClient
        do {
            client = try await TestClient(app: service.app)
        } catch {
            await Self.barrier.arrive()
            throw error
        }
        let overlapped = await Self.barrier.arriveAndWait(patience: .seconds(90))
        #expect(overlapped, "Not every case opened its client while the others were open.")

        try await withThrowingTaskGroup(of: Report.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let response = try await client.get("/resource")
                    #expect(response.status == .ok, "\(response.text)")
                    return try response.json(Report.self)
                }
            }
            for try await report in group where overlapped {
                // Every client of the app is open: one lifespan runs, and its resource is in use.
                #expect(report.startups - report.shutdowns == 1, "\(report)")
                #expect(report.serial == report.startups, "\(report)")
            }
        }
        try await client.close()
    }
}

/// Holds every case of a parameterized test until all have arrived, so their clients really overlap.
/// A case that fails to open its client still arrives (``arrive()``), so nobody waits for it. Cases
/// that cannot all run at once (`--no-parallel`, a parallelization width) break the barrier after
/// `patience`: everyone goes on, told that the cases did not overlap, instead of hanging.
actor Barrier {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Bool, Never>] = []
    private var isBroken = false
    private var alarm: Task<Void, Never>?

    init(parties: Int) {
        self.parties = parties
    }

    /// Arrives without waiting (a case that has no client to overlap with).
    func arrive() {
        arrived += 1
        if arrived == parties { open(allArrived: true) }
    }

    /// Arrives and waits for every other party. Returns true when all arrived, false when the barrier
    /// broke first.
    func arriveAndWait(patience: Duration) async -> Bool {
        arrived += 1
        if arrived == parties {
            open(allArrived: true)
            return true
        }
        if isBroken { return false }
        if alarm == nil {
            alarm = Task {
                try? await Task.sleep(for: patience)
                if !Task.isCancelled { self.open(allArrived: false) }
            }
        }
        return await withCheckedContinuation { waiting.append($0) }
    }

    private func open(allArrived: Bool) {
        alarm?.cancel()
        if !allArrived { isBroken = true }
        let waiters = waiting
        waiting = []
        for waiter in waiters { waiter.resume(returning: allArrived) }
    }
}
