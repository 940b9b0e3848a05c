import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix

/// Binds an HTTP/1.1 listener whose connections are answered by per-connection responders.
public enum HTTPServer {
    /// - Parameters:
    ///   - quiesce: when given, `initiateShutdown` on it stops accepting, lets in-flight
    ///     requests finish and closes every connection.
    ///   - makeResponder: called once per connection, on its event loop.
    public static func bind(
        host: String, port: Int, group: any EventLoopGroup, configuration: HTTPServerConfiguration,
        quiesce: ServerQuiescingHelper?, makeResponder: @escaping @Sendable () -> any HTTPResponder
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
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
                    try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try sync.addHandler(HTTPRequestHandler(responder: makeResponder()))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}
