import NIOCore
import NIOExtras
import NIOPosix

/// Binds a TCP listener the way every Trellis server wants it: address reuse, a deep
/// backlog, no Nagle delay, at most `maxConnections` open connections (`ConnectionLimitHandler`),
/// and (optionally) a quiescing helper for graceful shutdown.
enum Listener {
    static func bind(
        host: String, port: Int, group: any EventLoopGroup, quiesce: ServerQuiescingHelper?, maxConnections: Int,
        childInitializer: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let quiesce { try sync.addHandler(quiesce.makeServerChannelHandler(channel: channel)) }
                    try sync.addHandler(ConnectionLimitHandler(maxConnections: maxConnections))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 1 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try childInitializer(channel) }
            }
            .bind(host: host, port: port)
            .get()
    }
}
