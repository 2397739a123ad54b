#if Live
import NIOCore
import PyASGIBridge

/// The header fields of a response exactly as they came over the socket: bytes, in order.
///
/// swift-nio's HTTP parser hands header values over as Strings decoded from UTF-8, so a byte that is
/// not UTF-8 (a Latin-1 `é`, which HTTP allows in a field value) would become U+FFFD. This handler
/// sits in front of the parser, passes everything on unchanged, and keeps the head of the final
/// response (informational 1xx heads are skipped, as the parser skips them) for `fields`.
final class RawResponseHead: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private struct State {
        var pending: [UInt8] = []
        var fields: [HeaderField]?
        var done = false
    }

    private let state = Locked(State())

    /// The fields of the final response head, once it has come; nil before, or when its lines are
    /// not plain `name: value` lines (the parser's strings are used then).
    var fields: [HeaderField]? { state.withLock { $0.fields } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        state.withLock { state in
            guard !state.done else { return }
            state.pending += buffer.readableBytesView
            while let end = Self.headEnd(state.pending) {
                let head = Array(state.pending[..<end])
                state.pending.removeFirst(end + 4)
                // "HTTP/1.1 1xx": an informational head; the final one follows.
                if head.count > 9, head[9] == UInt8(ascii: "1") { continue }
                state.fields = Self.fields(of: head)
                state.done = true
                state.pending = []
                return
            }
            // A head larger than any server sends: leave it to the parser.
            if state.pending.count > 1 << 20 {
                state.done = true
                state.pending = []
            }
        }
        context.fireChannelRead(data)
    }

    /// Where the `\r\n\r\n` that ends a head starts.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// The `name: value` lines after the status line: names lowercased, values without the
    /// whitespace around them. Nil for a line of another shape (an obsolete folded line).
    private static func fields(of head: [UInt8]) -> [HeaderField]? {
        var lines = head.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        guard !lines.isEmpty else { return nil }
        lines.removeFirst()
        var fields: [HeaderField] = []
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line.first != 32, line.first != 9
            else { return nil }
            let isSpace = { (byte: UInt8) in byte == 32 || byte == 9 }
            var value = line[(colon + 1)...]
            while let first = value.first, isSpace(first) { value = value.dropFirst() }
            while let last = value.last, isSpace(last) { value = value.dropLast() }
            let name = line[..<colon].map { (65...90).contains($0) ? $0 + 32 : $0 }
            fields.append(HeaderField(name: name, value: Array(value)))
        }
        return fields
    }
}
#endif
