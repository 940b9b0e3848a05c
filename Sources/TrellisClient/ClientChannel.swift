import NIOCore
import NIOPosix

/// Opens a client connection whose last handler does the protocol work, and returns the
/// channel with that handler bound to its event loop (the only place it may be used).
public enum ClientChannel {
    public static func connect<Handler: ChannelHandler & SendableMetatype>(
        host: String, port: Int, group: any EventLoopGroup, handlerType: Handler.Type, connectTimeout: TimeAmount = .seconds(10),
        makeHandler: @escaping @Sendable (any Channel) throws -> Handler
    ) async throws -> (any Channel, NIOLoopBound<Handler>) {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try makeHandler(channel))
                }
            }
            .connect(host: host, port: port).get()
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: Handler.self), eventLoop: channel.eventLoop)
        }.get()
        return (channel, handler)
    }
}
