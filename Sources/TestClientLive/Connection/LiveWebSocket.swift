#if Live
import NIOCore
import NIOHTTP1
import NIOWebSocket
import PyASGIBridge

/// WebSockets for live clients, on swift-nio's own websocket client upgrader. (WSClient and
/// websocket-kit hide what a test must see: the subprotocol the server accepted, the headers it
/// accepted with, and the status and body of a refused handshake.)
///
/// The handshake becomes `websocket.accept` (with the server's `Sec-WebSocket-Protocol`) or, when
/// the server answers with a plain HTTP response, `websocket.http.response.start` and `.body`;
/// frames become `websocket.send` / `websocket.receive`, and close frames carry their codes both ways.
enum LiveWebSocket {
    private enum Handshake: Sendable {
        case accepted(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, HTTPResponseHead)
        case refused(NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>)
    }

    /// Headers the upgrade sets itself.
    private static let handshakeFields: Set<String> = [
        "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
    ]

    @Sendable static func session(_ connection: LiveConnection) async throws {
        let scope = connection.scope
        var uri = connection.target.pathPrefix + String(decoding: scope.rawPath, as: UTF8.self)
        if !scope.queryString.isEmpty { uri += "?" + String(decoding: scope.queryString, as: UTF8.self) }
        var headers = HTTPHeaders()
        for field in scope.headers {
            let name = String(decoding: field.name, as: UTF8.self)
            if !handshakeFields.contains(name) {
                headers.add(name: name, value: String(decoding: field.value, as: UTF8.self))
            }
        }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        // Over TLS for an https base URL (wss).
        let handshake = try await connection.target
            .connect { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Handshake>(maxFrameSize: 1 << 24) { channel, head in
                        channel.eventLoop.makeCompletedFuture {
                            .accepted(try NIOAsyncChannel(wrappingChannelSynchronously: channel), head)
                        }
                    }
                    let upgrade = NIOTypedHTTPClientUpgradeConfiguration<Handshake>(
                        upgradeRequestHead: head,
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture {
                                .refused(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                            }
                        }
                    )
                    var configuration = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
                    // Frames the server sends right after its 101 may arrive in the same read as the
                    // response: the decoder hands them on to the websocket handlers (the default
                    // drops them, losing a first message and the close frame of a quick app).
                    configuration.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: configuration
                    )
                }
            }
            .get()
        switch handshake {
        case .refused(let channel):
            try await refused(channel, connection)
        case .accepted(let channel, let head):
            let fields = head.headers.map {
                HeaderField(name: Array($0.name.lowercased().utf8), value: Array($0.value.utf8))
            }
            await connection.emit(
                .websocketAccept(subprotocol: head.headers.first(name: "sec-websocket-protocol"), headers: fields)
            )
            try await channel.executeThenClose { inbound, outbound in
                try await frames(inbound, outbound, connection)
            }
        }
    }

    /// A server that answered the handshake with a plain response: its status, headers and body.
    private static func refused(
        _ channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
        _ connection: LiveConnection
    ) async throws {
        try await channel.executeThenClose { inbound, _ in
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let head):
                    let fields = head.headers.map {
                        HeaderField(name: Array($0.name.lowercased().utf8), value: Array($0.value.utf8))
                    }
                    await connection.emit(.websocketResponseStart(status: Int(head.status.code), headers: fields))
                case .body(let chunk):
                    body += chunk.readableBytesView
                case .end:
                    await connection.emit(.websocketResponseBody(body: body, moreBody: false))
                    await connection.emit(nil)
                    return
                }
            }
        }
    }

    /// Frames both ways until a close frame (from either side) or the end of the connection.
    private static func frames(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
        _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        _ connection: LiveConnection
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The client's messages, sent as the client pushes them.
            group.addTask {
                while let event = await connection.nextInbound() {
                    switch event {
                    case .websocketReceive(.text(let text)):
                        try await outbound.write(frame(.text, ByteBuffer(string: text)))
                    case .websocketReceive(.bytes(let bytes)):
                        try await outbound.write(frame(.binary, ByteBuffer(bytes: bytes)))
                    case .websocketDisconnect(let code, let reason):
                        var data = ByteBuffer()
                        data.writeInteger(UInt16(clamping: code))
                        data.writeString(reason)
                        try await outbound.write(frame(.connectionClose, data))
                        return
                    default:
                        continue
                    }
                }
            }
            var message: (opcode: WebSocketOpcode, data: [UInt8])?
            for try await frame in inbound {
                switch frame.opcode {
                case .text, .binary, .continuation:
                    if frame.opcode != .continuation { message = (frame.opcode, []) }
                    message?.data += frame.unmaskedData.readableBytesView
                    if frame.fin, let whole = message {
                        message = nil
                        await connection.emit(
                            .websocketSend(
                                whole.opcode == .text
                                    ? .text(String(decoding: whole.data, as: UTF8.self)) : .bytes(whole.data)
                            )
                        )
                    }
                case .ping:
                    try await outbound.write(Self.frame(.pong, frame.unmaskedData))
                case .connectionClose:
                    var data = frame.unmaskedData
                    let code = data.readInteger(as: UInt16.self).map(Int.init) ?? 1005
                    let reason = data.readString(length: data.readableBytes) ?? ""
                    // Answer a close the server began (one the client began is answered already).
                    try? await outbound.write(Self.frame(.connectionClose, frame.unmaskedData))
                    await connection.emit(.websocketClose(code: code, reason: reason))
                    await connection.emit(nil)
                    group.cancelAll()
                    return
                default:
                    continue
                }
            }
            // The connection ended without a close frame.
            await connection.emit(.websocketClose(code: 1006, reason: ""))
            await connection.emit(nil)
            group.cancelAll()
        }
    }

    /// A masked frame, as a client sends them.
    private static func frame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
    }
}
#endif
