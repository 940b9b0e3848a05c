import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection to an OTLP/HTTP endpoint; one request at a time.
final class HTTPClientConnection: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<HTTPClientHandler>

    static func connect(host: String, port: Int, group: any EventLoopGroup, path: String) async throws -> HTTPClientConnection {
        let (channel, handler) = try await ClientChannel.connect(host: host, port: port, group: group, handlerType: HTTPClientHandler.self) { channel in
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            return HTTPClientHandler(host: host, path: path)
        }
        return HTTPClientConnection(channel: channel, handler: handler)
    }

    private init(channel: any Channel, handler: NIOLoopBound<HTTPClientHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// POSTs one body and waits for the answer.
    func export(_ body: [UInt8], contentType: String, gzip: Bool) async -> ExportOutcome {
        let promise = channel.eventLoop.makePromise(of: ExportOutcome.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.post(body, contentType: contentType, gzip: gzip, promise: promise) }
        return (try? await promise.futureResult.get()) ?? .failed("connection closed")
    }

    var isOpen: Bool { channel.isActive }

    /// Fails the request still waiting with `reason` and closes the connection.
    func abort(reason: String) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.abort(reason: reason) }
    }

    func close() async {
        try? await channel.close()
    }
}

/// Writes one POST and reads its response; confined to the connection's event loop.
final class HTTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private let path: String
    private var context: ChannelHandlerContext?
    private var pending: (promise: EventLoopPromise<ExportOutcome>, json: Bool)?
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(host: String, path: String) {
        self.host = host
        self.path = path
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func post(_ payload: [UInt8], contentType: String, gzip: Bool, promise: EventLoopPromise<ExportOutcome>) {
        guard let context, pending == nil else {
            promise.succeed(.failed(pending == nil ? "not connected" : "request already in flight"))
            return
        }
        pending = (promise, contentType == "application/json")
        var headers = HTTPHeaders([("Host", host), ("Content-Type", contentType), ("Content-Length", String(payload.count))])
        if gzip { headers.add(name: "Content-Encoding", value: "gzip") }
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: payload)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
        case .body(let chunk):
            body.append(contentsOf: chunk.readableBytesView)
        case .end:
            guard let (promise, json) = pending, let head else { return }
            pending = nil
            promise.succeed(Self.outcome(head, body: body, json: json))
        }
    }

    /// Fails the request in flight with `reason` and closes the connection.
    func abort(reason: String) {
        pending?.promise.succeed(.failed(reason))
        pending = nil
        context?.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.promise.succeed(.failed("connection closed by the server"))
        pending = nil
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The scalar after `"key":` in a small JSON object (quotes dropped), or "" when absent.
    private static func jsonValue(of key: String, in text: String) -> String {
        guard let range = text.range(of: "\"\(key)\"") else { return "" }
        var rest = text[range.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return "" }
        rest = rest.dropFirst().drop { $0 == " " }
        if rest.first == "\"" {
            return String(rest.dropFirst().prefix { $0 != "\"" })
        }
        return String(rest.prefix { $0.isNumber || $0 == "-" })
    }

    private static func outcome(_ head: HTTPResponseHead, body: [UInt8], json: Bool) -> ExportOutcome {
        switch head.status.code {
        case 200..<300:
            if json {
                let text = String(decoding: body, as: UTF8.self)
                return .accepted(rejectedSpans: Int(Self.jsonValue(of: "rejectedSpans", in: text)) ?? 0,
                                 message: Self.jsonValue(of: "errorMessage", in: text))
            }
            return ExportOutcome.accepted(protobufResponse: body)
        case 429, 502, 503, 504:
            return .refused(retryAfterSeconds: head.headers.first(name: "retry-after").flatMap(Int.init))
        default:
            let text = String(decoding: body.prefix(300), as: UTF8.self).filter { $0.isASCII && !$0.isNewline }
            return .failed("HTTP \(head.status.code): \(text)")
        }
    }
}
