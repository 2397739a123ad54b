import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output, written unbuffered through one path, so text and raw bytes keep their order
/// and websocket replies appear as they come even in a pipe.
enum StandardOutput {
    static let isTerminal = isatty(STDOUT_FILENO) == 1

    static func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
    }

    static func write(_ text: String) {
        write(Array(text.utf8))
    }
}
