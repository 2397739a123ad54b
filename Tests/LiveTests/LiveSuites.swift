#if Live
import Foundation
import Testing

/// The live suites, one at a time: each checks that no server outlives its clients by looking at
/// this process's children, which another suite's servers would spoil.
@Suite(.serialized, .enabled(if: liveModeTested)) enum LiveSuites {}

/// False when `ASGI_TEST_MODES` leaves live mode out (see `scripts/test`).
let liveModeTested =
    ProcessInfo.processInfo.environment["ASGI_TEST_MODES"].map { $0.split(separator: ",").contains("live") } ?? true
#endif
