import NIOCore
import NIOHTTP1

/// Collects each HTTP/1.1 request's body (up to the responder's limit), hands the complete
/// request to the responder, and writes its answer. A body over the limit is answered with
/// 413 at once; the connection then stops sending and discards what still arrives for a
/// moment before closing (a lingering close, so the client reads the 413 instead of a reset).
/// A connection idle past the timeout is closed.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(head: HTTPRequestHead, body: ByteBuffer, limit: Int)
        case discarding
    }

    private let responder: any HTTPResponder
    private var state = State.idle

    init(responder: any HTTPResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), _):
            context.triggerUserOutboundEvent(RequestDeadlineHandler.Progress.headReceived, promise: nil)
            let view = HTTPRequestHeadView(method: head.method.rawValue, uri: head.uri, contentType: head.headers.first(name: "content-type"))
            let limit = responder.bodyLimit(for: view)
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                reject(context: context, response: responder.payloadTooLarge(limit: limit, for: view))
                return
            }
            state = .receiving(head: head, body: context.channel.allocator.buffer(capacity: 0), limit: limit)
        case (.body(var chunk), .receiving(let head, var body, let limit)):
            guard body.readableBytes + chunk.readableBytes <= limit else {
                let view = HTTPRequestHeadView(method: head.method.rawValue, uri: head.uri, contentType: head.headers.first(name: "content-type"))
                reject(context: context, response: responder.payloadTooLarge(limit: limit, for: view))
                return
            }
            state = .idle
            body.writeBuffer(&chunk)
            state = .receiving(head: head, body: body, limit: limit)
        case (.end, .receiving(let head, let body, _)):
            state = .idle
            context.triggerUserOutboundEvent(RequestDeadlineHandler.Progress.requestReceived, promise: nil)
            let request = HTTPRequest(head: head, body: Array(buffer: body))
            let keepAlive = head.isKeepAlive
            responder.respond(to: request, on: context.eventLoop).hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                switch result {
                case .success(let response):
                    self.write(context: context, response: response, version: head.version, keepAlive: keepAlive)
                case .failure(let error):
                    self.write(context: context, response: .text(.internalServerError, "internal error: \(error)"), version: head.version, keepAlive: false)
                }
            }
        case (.body, _), (.end, _):
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// How long a rejected connection keeps draining the client's unread body before closing.
    private static let lingerTime = TimeAmount.seconds(2)

    private func reject(context: ChannelHandlerContext, response: HTTPResponse) {
        state = .discarding
        write(context: context, response: response, version: .http1_1, keepAlive: true)
        context.close(mode: .output, promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
    }

    private func write(context: ChannelHandlerContext, response: HTTPResponse, version: HTTPVersion, keepAlive: Bool) {
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlushPromise()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            done.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}

private extension ChannelHandlerContext {
    func writeAndFlushPromise() -> EventLoopPromise<Void> { eventLoop.makePromise() }
}
