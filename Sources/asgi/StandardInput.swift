import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input as httpie reads it: a piped, non-empty stdin is a body; a terminal, a closed
/// descriptor (CI runs without one) or `/dev/null` is none.
enum StandardInput {
    /// A process started with stdin closed (CI does that) gets `/dev/null` there, before anything
    /// else opens a file: the first file opened later would otherwise become descriptor 0 and be
    /// read as the request body.
    static func reserveDescriptor() {
        if fcntl(STDIN_FILENO, F_GETFD) == -1, errno == EBADF {
            _ = open("/dev/null", O_RDONLY)
        }
    }

    /// The bytes of a piped stdin, or nil when it is a terminal, closed, or empty.
    static func pipedBody() -> [UInt8]? {
        guard isatty(STDIN_FILENO) == 0 else { return nil }
        let bytes = readAll()
        return bytes.isEmpty ? nil : bytes
    }

    /// Everything until the end of input; nothing when the descriptor is closed or unreadable.
    /// A writer that stays silent for a second gets a hint on stderr, since a shell loop or `ssh`
    /// hands its own stdin down and would otherwise hang here without a word.
    static func readAll() -> [UInt8] {
        var poller = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        if poll(&poller, 1, 1000) == 0 {
            FailureReporter.warn("waiting for a request body on standard input (pass --ignore-stdin to send none)")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += chunk[..<count]
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return bytes
            }
        }
    }

    /// The lines of stdin, without their line ends, read on a thread of their own so a blocking
    /// read never holds one of the few threads Swift concurrency runs on.
    static func lines() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let thread = Thread {
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending += chunk[..<count]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(line(pending[..<newline]))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(line(pending[...])) }
            continuation.finish()
        }
        thread.start()
        return stream
    }

    private static func line(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes, as: UTF8.self)
    }
}
