import NIOCore
import NIOExtras
import NIOPosix

/// Binds the OTLP/gRPC listener: h2c with prior knowledge, one nghttp2 session per connection.
public enum GRPCServer {
    /// - Parameters:
    ///   - quiesce: when given, `initiateShutdown` on it stops accepting, sends GOAWAY on every
    ///     connection, lets in-flight calls finish and closes.
    ///   - makeHandler: called once per connection, on its event loop.
    public static func bind(
        host: String, port: Int, group: any EventLoopGroup, configuration: GRPCServerConfiguration,
        quiesce: ServerQuiescingHelper?, makeHandler: @escaping @Sendable () -> any GRPCCallHandler
    ) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                guard let quiesce else { return channel.eventLoop.makeSucceededVoidFuture() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 1 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
                    try sync.addHandler(GRPCServerHandler(configuration: configuration, calls: makeHandler()))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}
