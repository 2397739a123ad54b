import Testing

/// The live suites, one at a time: each checks that no server outlives its clients by looking at
/// this process's children, which another suite's servers would spoil.
@Suite(.serialized) enum LiveSuites {}
