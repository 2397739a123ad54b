import PyASGIBridge
import Testing

/// The server side of the ASGI state machine, without Python: uvicorn's rules, one transition each.
@Suite struct ProtocolStateTests {
    static let start = OutboundEvent.responseStart(status: 200, headers: [], trailers: false)
    static func body(more: Bool) -> OutboundEvent { .responseBody(body: [], moreBody: more) }

    @Test func httpResponseInOrder() {
        var state = ProtocolState(kind: .http, extensions: [])
        #expect(!state.isHTTPStarted)
        let result1 = state.accept(Self.start)
        #expect(result1 == nil)
        #expect(state.phase == .httpBody)
        let result2 = state.accept(Self.body(more: true))
        #expect(result2 == nil)
        let result3 = state.accept(Self.body(more: false))
        #expect(result3 == nil)
        #expect(state.isComplete)
    }

    @Test func bodyBeforeStartIsRefused() {
        var state = ProtocolState(kind: .http, extensions: [])
        #expect(
            state.accept(Self.body(more: false))
                == .protocolViolation(
                    message: "Expected ASGI message 'http.response.start', but got 'http.response.body'.",
                    messageType: "http.response.body",
                    state: "before http.response.start"
                )
        )
    }

    @Test func secondStartAndSendAfterCompletionAreRefused() {
        var state = ProtocolState(kind: .http, extensions: [])
        _ = state.accept(Self.start)
        let result4 = state.accept(Self.start)
        #expect(result4?.isViolation == true)
        _ = state.accept(Self.body(more: false))
        let result5 = state.accept(Self.body(more: false))
        #expect(result5?.isViolation == true)
        #expect(state.phase == .httpComplete)
    }

    @Test func trailersOnlyWhenAnnounced() {
        var announced = ProtocolState(kind: .http, extensions: ["http.response.trailers"])
        _ = announced.accept(.responseStart(status: 200, headers: [], trailers: true))
        _ = announced.accept(Self.body(more: false))
        #expect(announced.phase == .httpTrailers)
        #expect(!announced.isComplete)
        let result6 = announced.accept(.responseTrailers(headers: [], moreTrailers: false))
        #expect(result6 == nil)
        #expect(announced.isComplete)

        var unannounced = ProtocolState(kind: .http, extensions: [])
        _ = unannounced.accept(Self.start)
        let result7 = unannounced.accept(.responseTrailers(headers: [], moreTrailers: false))
        #expect(result7?.isViolation == true)
    }

    @Test func debugOnlyIfAdvertisedAndOnce() {
        var advertised = ProtocolState(kind: .http, extensions: ["http.response.debug"])
        let result8 = advertised.accept(.responseDebug(info: [:]))
        #expect(result8 == nil)
        let result9 = advertised.accept(.responseDebug(info: [:]))
        #expect(result9?.isViolation == true)
        var plain = ProtocolState(kind: .http, extensions: [])
        let result10 = plain.accept(.responseDebug(info: [:]))
        #expect(result10?.isViolation == true)
    }

    @Test func websocketAcceptSendClose() {
        var state = ProtocolState(kind: .websocket, extensions: [])
        let result11 = state.accept(.websocketSend(.text("early")))
        #expect(result11?.isViolation == true)
        let result12 = state.accept(.websocketAccept(subprotocol: nil, headers: []))
        #expect(result12 == nil)
        let result13 = state.accept(.websocketAccept(subprotocol: nil, headers: []))
        #expect(result13?.isViolation == true)
        let result14 = state.accept(.websocketSend(.text("hi")))
        #expect(result14 == nil)
        let result15 = state.accept(.websocketClose(code: 1000, reason: ""))
        #expect(result15 == nil)
        #expect(state.isComplete)
        let result16 = state.accept(.websocketSend(.text("late")))
        #expect(result16?.isViolation == true)
    }

    @Test func websocketDenialNeedsTheExtensionAndAValidStatus() {
        var plain = ProtocolState(kind: .websocket, extensions: [])
        let result17 = plain.accept(.websocketResponseStart(status: 403, headers: []))
        #expect(result17?.isViolation == true)
        var denial = ProtocolState(kind: .websocket, extensions: ["websocket.http.response"])
        let result18 = denial.accept(.websocketResponseStart(status: 99, headers: []))
        #expect(result18?.isViolation == true)
        let result19 = denial.accept(.websocketResponseStart(status: 403, headers: []))
        #expect(result19 == nil)
        let result20 = denial.accept(.websocketResponseBody(body: [], moreBody: false))
        #expect(result20 == nil)
        #expect(denial.isComplete)
    }

    @Test func closeBeforeAcceptIsARejection() {
        var state = ProtocolState(kind: .websocket, extensions: [])
        let result21 = state.accept(.websocketClose(code: 1008, reason: ""))
        #expect(result21 == nil)
        #expect(state.phase == .websocketClosed)
    }

    @Test func lifespanStartupThenShutdown() {
        var state = ProtocolState(kind: .lifespan, extensions: [])
        let result22 = state.accept(.lifespanShutdownComplete)
        #expect(result22?.isViolation == true)
        var ordered = ProtocolState(kind: .lifespan, extensions: [])
        let result23 = ordered.accept(.lifespanStartupComplete)
        #expect(result23 == nil)
        let result24 = ordered.accept(.lifespanShutdownComplete)
        #expect(result24?.isViolation == true)
        ordered.shutdownRequested()
        #expect(ordered.phase == .lifespanShuttingDown)
        let result25 = ordered.accept(.lifespanShutdownComplete)
        #expect(result25 == nil)
        #expect(ordered.isComplete)
    }

    @Test func startupFailedEndsTheLifespan() {
        var state = ProtocolState(kind: .lifespan, extensions: [])
        let result26 = state.accept(.lifespanStartupFailed(message: "no db"))
        #expect(result26 == nil)
        #expect(state.phase == .lifespanDone)
    }
}

extension BridgeFailure {
    var isViolation: Bool {
        if case .protocolViolation = self { return true }
        return false
    }
}
