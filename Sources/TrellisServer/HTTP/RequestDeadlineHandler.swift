import NIOCore

/// Bounds how long an HTTP/1.1 client may take to send a request, whatever its pace: the head
/// must be complete within `readHeaderTimeout` of the request's first byte, and the body within
/// `readTimeout` of the head. The idle timeout alone cannot do this: it restarts with every byte,
/// so a client sending one byte a second (slowloris) would hold the connection forever.
///
/// Sits before the HTTP codec, so it sees raw bytes; `HTTPRequestHandler` tells it when a head
/// and a whole request have been read, with the outbound user events `Progress`. Past a deadline
/// it answers `408 Request Timeout` naming what was late and closes the connection.
final class RequestDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What `HTTPRequestHandler` reports as it reads a request.
    enum Progress {
        case headReceived
        case requestReceived
    }

    private var phase = RequestReadPhase.waiting
    private var timer: Scheduled<Void>?
    /// Set once the 408 went out: nothing else is written (the HTTP codec would add a 400 for
    /// the request the close cut short).
    private var timedOut = false
    private let readHeaderTimeout: TimeAmount
    private let readTimeout: TimeAmount

    init(readHeaderTimeout: TimeAmount, readTimeout: TimeAmount) {
        self.readHeaderTimeout = readHeaderTimeout
        self.readTimeout = readTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let deadline = phase.bytesArrived() { arm(deadline, context: context) }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? Progress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        timer?.cancel()
        timer = nil
        if let deadline = phase.advanced(by: progress) { arm(deadline, context: context) }
        promise?.succeed()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !timedOut else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    private func arm(_ deadline: RequestReadPhase.Deadline, context: ChannelHandlerContext) {
        let (delay, late): (TimeAmount, String) = switch deadline {
        case .head: (readHeaderTimeout, "the request head did not arrive within \(Self.describe(readHeaderTimeout)) (read_header_timeout)")
        case .body: (readTimeout, "the request body did not arrive within \(Self.describe(readTimeout)) of its head (read_timeout)")
        }
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.timedOut = true
            let text = Array((late + "\n").utf8)
            let head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(text.count)\r\nConnection: close\r\n\r\n"
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: Array(head.utf8) + text)), promise: nil)
            context.close(promise: nil)
        }
    }

    private static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
