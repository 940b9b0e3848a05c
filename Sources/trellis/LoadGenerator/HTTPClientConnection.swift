import TrellisClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection to an OTLP/HTTP endpoint (or an admin route); one request at a time.
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

    /// GETs the connection's path and returns the answer's status (for health checks).
    func get() async throws -> HTTPResponseStatus {
        let promise = channel.eventLoop.makePromise(of: HTTPResponseStatus.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.get(promise: promise) }
        return try await promise.futureResult.get()
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

/// Writes one request and reads its response; confined to the connection's event loop.
final class HTTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// The request in flight and who waits for its answer.
    private enum Pending {
        case export(EventLoopPromise<ExportOutcome>, json: Bool)
        case get(EventLoopPromise<HTTPResponseStatus>)

        func fail(_ reason: String) {
            switch self {
            case .export(let promise, _): promise.succeed(.failed(reason))
            case .get(let promise): promise.fail(HTTPClientError.noAnswer(reason))
            }
        }
    }

    private let host: String
    private let path: String
    private var context: ChannelHandlerContext?
    private var pending: Pending?
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
        pending = .export(promise, json: contentType == "application/json")
        var headers = HTTPHeaders([("Host", host), ("Content-Type", contentType), ("Content-Length", String(payload.count))])
        if gzip { headers.add(name: "Content-Encoding", value: "gzip") }
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: payload)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func get(promise: EventLoopPromise<HTTPResponseStatus>) {
        guard let context, pending == nil else {
            promise.fail(HTTPClientError.noAnswer(pending == nil ? "not connected" : "request already in flight"))
            return
        }
        pending = .get(promise)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: HTTPHeaders([("Host", host)]))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
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
            guard let pending, let head else { return }
            self.pending = nil
            switch pending {
            case .export(let promise, let json): promise.succeed(Self.outcome(head, body: body, json: json))
            case .get(let promise): promise.succeed(head.status)
            }
        }
    }

    /// Fails the request in flight with `reason` and closes the connection.
    func abort(reason: String) {
        pending?.fail(reason)
        pending = nil
        context?.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.fail("connection closed by the server")
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

/// A request that got no HTTP answer.
enum HTTPClientError: Error, CustomStringConvertible {
    case noAnswer(String)

    var description: String {
        switch self {
        case .noAnswer(let reason): "no answer: \(reason)"
        }
    }
}
