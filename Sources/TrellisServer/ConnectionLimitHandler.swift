import NIOCore

/// On a listener's server channel: closes each accepted connection past `maxConnections` open
/// ones at once, so thousands of idle or abusive connections cannot use up the process's file
/// descriptors; the open ones keep being served. The refused client sees its connection closed.
final class ConnectionLimitHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let maxConnections: Int
    private var open = 0

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        guard open < maxConnections else {
            // Passed on first, so the bootstrap registers it; the close is queued behind that.
            context.fireChannelRead(data)
            child.close(promise: nil)
            return
        }
        open += 1
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        child.closeFuture.hop(to: context.eventLoop).assumeIsolated().whenComplete { _ in loopBound.value.open -= 1 }
        context.fireChannelRead(data)
    }
}
