import PyASGIBridge
import Testing

/// The outbound half of a buffered app call, without Python: waiters are plain strings.
@Suite struct BufferedStateMachineTests {
    typealias Machine = BufferedStateMachine<String>
    let response = BufferedResponse(status: 200, headers: [], body: Array("ok".utf8))

    @Test func theOutcomeReachesAWaitingTask() throws {
        var machine = Machine()
        let result1 = machine.wait("task")
        #expect(result1 == nil)
        #expect(!machine.isOver)
        let result2 = machine.appCallEnded(.success(response))
        let resumed = try #require(result2)
        #expect(resumed.0 == "task")
        #expect(try resumed.1.get().status == 200)
        #expect(machine.isOver)
    }

    @Test func anOutcomeBeforeTheWaitIsTakenAtOnce() throws {
        var machine = Machine()
        let result3 = machine.appCallEnded(.success(response))
        #expect(result3 == nil)
        #expect(try machine.ready?.get().body == Array("ok".utf8))
        let result4 = machine.wait("task")
        #expect(try result4?.get().status == 200)
    }

    @Test func timeoutBeforeCompletionWinsOnce() throws {
        var machine = Machine()
        let result5 = machine.wait("task")
        #expect(result5 == nil)
        let result6 = machine.clientLeft(.timeout(waitingFor: "the response", seconds: 1))
        let failed = try #require(result6)
        #expect(failed.0 == "task")
        #expect(failed.1.failureValue == .timeout(waitingFor: "the response", seconds: 1))
        // The app call ends later: nobody is resumed twice, and the outcome stays the timeout.
        let result7 = machine.appCallEnded(.success(response))
        #expect(result7 == nil)
        #expect(machine.ready?.failureValue == .timeout(waitingFor: "the response", seconds: 1))
    }

    @Test func completionBeforeTimeoutWinsOnce() throws {
        var machine = Machine()
        let result8 = machine.wait("task")
        #expect(result8 == nil)
        let result9 = machine.appCallEnded(.success(response))
        #expect(result9?.0 == "task")
        let result10 = machine.clientLeft(.timeout(waitingFor: "the response", seconds: 1))
        #expect(result10 == nil)
        #expect(try machine.ready?.get().status == 200)
    }

    @Test func cancelVersusCompletionEitherOrder() throws {
        var cancelledFirst = Machine()
        let result11 = cancelledFirst.wait("task")
        #expect(result11 == nil)
        let result12 = cancelledFirst.clientLeft(.cancelled)
        #expect(result12?.1.failureValue == .cancelled)
        let result13 = cancelledFirst.appCallEnded(.failure(.cancelled))
        #expect(result13 == nil)

        var completedFirst = Machine()
        let result14 = completedFirst.appCallEnded(.success(response))
        #expect(result14 == nil)
        let result15 = completedFirst.clientLeft(.cancelled)
        #expect(result15 == nil)
        let result16 = completedFirst.wait("task")
        #expect(try result16?.get().status == 200)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
