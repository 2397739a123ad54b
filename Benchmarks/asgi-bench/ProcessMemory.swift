#if canImport(Glibc)
import Glibc
#endif

/// This process's memory as Linux reports it in `/proc/self/status`.
enum ProcessMemory {
    /// The resident set now (`VmRSS`), in bytes.
    static var resident: Int { field("VmRSS:") }

    /// The most the resident set has been (`VmHWM`), in bytes: since the start of the process, or
    /// since the last ``resetPeak()``.
    static var peak: Int { field("VmHWM:") }

    /// Starts the peak over from the resident set now (writing 5 to `/proc/self/clear_refs`, Linux
    /// 4.0 and later). Returns false where that is not allowed, and the peak is the process's own.
    static func resetPeak() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }

    /// A `kB` line of `/proc/self/status`, in bytes; 0 when it cannot be read.
    private static func field(_ name: String) -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 512)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard line.hasPrefix(name) else { continue }
            // "VmRSS:\t  81234 kB"
            let fields = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return (fields.first.flatMap { Int($0) } ?? 0) * 1024
        }
        return 0
    }
}

extension Int {
    /// Bytes as MiB, one decimal.
    var mebibytes: String { Benchmark.f(Double(self) / 1_048_576, 1) }
}
