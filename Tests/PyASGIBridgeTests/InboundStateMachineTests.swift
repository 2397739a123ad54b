import PyASGIBridge
import Testing

/// The inbound half of an app call, without Python: waiters are plain strings.
@Suite struct InboundStateMachineTests {
    typealias Machine = InboundStateMachine<String>

    @Test func firstMessagesComeOutInOrderThenTheAppWaits() {
        var machine = Machine(
            [.httpRequest(body: [1], moreBody: true), .httpRequest(body: [2], moreBody: false)],
            disconnect: .httpDisconnect
        )
        let result1 = machine.poll()
        #expect(result1.0 == .event(.httpRequest(body: [1], moreBody: true)))
        let result2 = machine.poll()
        #expect(result2.0 == .event(.httpRequest(body: [2], moreBody: false)))
        let (poll, wake) = machine.poll()
        #expect(poll == .wait)
        #expect(wake == nil)
    }

    @Test func aPushWakesTheLoopOnlyWhenTheAppWaits() {
        var machine = Machine([], disconnect: .httpDisconnect)
        let woke1 = machine.push(.httpRequest(body: [1], moreBody: true))
        #expect(!woke1)
        let result3 = machine.poll()
        #expect(result3.0 == .event(.httpRequest(body: [1], moreBody: true)))
        let result4 = machine.poll()
        #expect(result4.0 == .wait)
        let result5 = machine.push(.httpRequest(body: [2], moreBody: false))
        #expect(result5)
        // The wake-up is owed once: a second push before the loop polls does not wake again.
        let woke3 = machine.push(.httpDisconnect)
        #expect(!woke3)
    }

    @Test func aProducerWaitsForTheAppToAsk() {
        var machine = Machine([], disconnect: .httpDisconnect)
        let result6 = machine.waitForDemand("producer")
        #expect(result6 == nil)
        let (poll, wake) = machine.poll()
        #expect(poll == .wait)
        #expect(wake == "producer")
        // The app still waits with nothing queued: demand is there at once.
        let result7 = machine.waitForDemand("again")
        #expect(result7 == true)
    }

    @Test func demandEndsWhenTheClientLeaves() {
        var machine = Machine([], disconnect: .httpDisconnect)
        let result8 = machine.waitForDemand("producer")
        #expect(result8 == nil)
        let result9 = machine.clientLeaves()
        #expect(result9 == "producer")
        let result10 = machine.waitForDemand("late")
        #expect(result10 == false)
        let result11 = machine.clientLeaves()
        #expect(result11 == nil)
    }

    @Test func queuedMessagesComeBeforeTheDisconnect() {
        var machine = Machine([.websocketConnect], disconnect: .websocketDisconnect(code: 1005, reason: ""))
        _ = machine.push(.websocketReceive(.text("hi")))
        _ = machine.clientLeaves()
        #expect(machine.clientGone)
        let result12 = machine.poll()
        #expect(result12.0 == .event(.websocketConnect))
        let result13 = machine.poll()
        #expect(result13.0 == .event(.websocketReceive(.text("hi"))))
        let result14 = machine.poll()
        #expect(result14.0 == .event(.websocketDisconnect(code: 1005, reason: "")))
        let result15 = machine.poll()
        #expect(result15.0 == .event(.websocketDisconnect(code: 1005, reason: "")))
    }
}
