import PyASGIBridge
import Testing

/// The outbound half of a streaming app call, without Python: waiters are plain strings.
@Suite struct StreamingStateMachineTests {
    typealias Machine = StreamingStateMachine<String>

    static func chunk(_ size: Int, more: Bool = true) -> OutboundEvent {
        .responseBody(body: [UInt8](repeating: 0, count: size), moreBody: more)
    }

    @Test func aMessageGoesStraightToAWaitingTask() {
        var machine = Machine()
        let result1 = machine.next("task")
        #expect(result1 == nil)
        guard case .resume(let waiter, let event) = machine.deliver(.websocketSend(.text("hi"))) else {
            Issue.record("expected the waiter to be resumed")
            return
        }
        #expect(waiter == "task")
        #expect(event == .websocketSend(.text("hi")))
        #expect(!machine.isReady)
    }

    @Test func messagesQueueInOrderThenTheEnd() throws {
        var machine = Machine()
        _ = machine.deliver(.websocketSend(.text("a")))
        _ = machine.deliver(.websocketSend(.text("b")))
        let result2 = machine.appCallEnded(.success(()))
        #expect(result2 == nil)
        let result3 = machine.next(nil)
        #expect(try result3?.0.get() == .websocketSend(.text("a")))
        let result4 = machine.next(nil)
        #expect(try result4?.0.get() == .websocketSend(.text("b")))
        #expect(machine.isOver)
        // The end, not "nothing yet": `next` returns a value whose event is nil.
        let result5 = machine.next(nil)
        let end = try #require(result5)
        #expect(try end.0.get() == nil)
        #expect(!end.resumeApp)
    }

    @Test func theAppPausesAboveTheHighWaterMarkAndGoesOnAtTheLowOne() throws {
        var machine = Machine()
        let size = 64 << 10
        var pausedAfter = 0
        for index in 1...64 {
            guard case .queued(let pause) = machine.deliver(Self.chunk(size)) else {
                Issue.record("expected the chunk to be queued")
                return
            }
            if pause {
                pausedAfter = index
                break
            }
        }
        // 1 MiB of 64 KiB chunks (and 64 bytes each for the message) is passed on the 16th chunk.
        #expect(pausedAfter == 16)
        var resumedAt = 0
        for index in 1...16 {
            let taken = machine.next(nil)
            let resume = try #require(taken).resumeApp
            if resume {
                resumedAt = index
                break
            }
        }
        // Unread falls to 256 KiB or less once 13 of the 16 chunks are read (3 × (64 KiB + 64) left).
        #expect(resumedAt == 13)
        // Paused once, resumed once: the next chunks do not pause again until the mark is passed.
        guard case .queued(pauseApp: false) = machine.deliver(Self.chunk(size)) else {
            Issue.record("expected no pause below the high-water mark")
            return
        }
    }

    @Test func emptyMessagesCountTowardsTheMark() {
        var machine = Machine()
        var paused = false
        for _ in 0..<(Machine.highWater / 64 + 1) {
            if case .queued(true) = machine.deliver(.websocketSend(.bytes([]))) { paused = true }
        }
        #expect(paused)
    }

    @Test func aFailureEndsWaitsButQueuedMessagesAreReadFirst() throws {
        var machine = Machine()
        _ = machine.deliver(.websocketSend(.text("a")))
        let result6 = machine.clientLeft(.cancelled)
        #expect(result6 == nil)
        let result7 = machine.next(nil)
        #expect(try result7?.0.get() == .websocketSend(.text("a")))
        let result8 = machine.next(nil)
        #expect(result8?.0.failureValue == .cancelled)
        // After the client left, what the app sends is dropped.
        guard case .dropped = machine.deliver(.websocketSend(.text("late"))) else {
            Issue.record("expected a late message to be dropped")
            return
        }
    }

    @Test func timeoutVersusCompletion() throws {
        var timedOutFirst = Machine()
        let result9 = timedOutFirst.next("task")
        #expect(result9 == nil)
        let result10 = timedOutFirst.clientLeft(.timeout(waitingFor: "x", seconds: 1))
        let failed = try #require(result10)
        #expect(failed.0 == "task")
        let result11 = timedOutFirst.appCallEnded(.success(()))
        #expect(result11 == nil)
        let result12 = timedOutFirst.next(nil)
        #expect(result12?.0.failureValue == .timeout(waitingFor: "x", seconds: 1))

        var endedFirst = Machine()
        let result13 = endedFirst.next("task")
        #expect(result13 == nil)
        let result14 = endedFirst.appCallEnded(.success(()))
        let ended = try #require(result14)
        #expect(try ended.1.get() == nil)
        let result15 = endedFirst.clientLeft(.timeout(waitingFor: "x", seconds: 1))
        #expect(result15 == nil)
    }

    @Test func cancelVersusCompletion() throws {
        var cancelledFirst = Machine()
        let result16 = cancelledFirst.next("task")
        #expect(result16 == nil)
        let result17 = cancelledFirst.clientLeft(.cancelled)
        #expect(result17?.1.failureValue == .cancelled)
        let result18 = cancelledFirst.appCallEnded(.failure(.cancelled))
        #expect(result18 == nil)

        var endedFirst = Machine()
        let result19 = endedFirst.appCallEnded(.failure(.appException(.init(type: "E", message: "m", traceback: "t"))))
        #expect(result19 == nil)
        let result20 = endedFirst.clientLeft(.cancelled)
        #expect(result20 == nil)
        // The app's end stands: the task reads the app's exception, not the late cancellation.
        let result21 = endedFirst.next(nil)
        #expect(result21?.0.failureValue == .appException(.init(type: "E", message: "m", traceback: "t")))
    }
}
