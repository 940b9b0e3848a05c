import NIOCore
import NIOExtras

/// Binds the OTLP/gRPC listener: h2c with prior knowledge, one nghttp2 session per connection.
public enum GRPCServer {
    /// Binds a listener (SO_REUSEADDR, TCP_NODELAY) whose connections each get an idle
    /// timer and a `GRPCServerHandler`, and returns the server channel.
    /// - Parameters:
    ///   - quiesce: when given, `initiateShutdown` on it stops accepting, sends GOAWAY on every
    ///     connection, lets in-flight calls finish and closes.
    ///   - makeHandler: called once per connection, on its event loop.
    public static func bind(
        host: String, port: Int, group: any EventLoopGroup, configuration: GRPCServerConfiguration,
        quiesce: ServerQuiescingHelper?, makeHandler: @escaping @Sendable () -> any GRPCCallHandler
    ) async throws -> any Channel {
        try await Listener.bind(host: host, port: port, group: group, quiesce: quiesce, maxConnections: configuration.maxConnections) { channel in
            try addHandlers(to: channel.pipeline.syncOperations, configuration: configuration, calls: makeHandler())
        }
    }

    /// What every accepted connection gets: the idle timer, then the nghttp2 session answering
    /// calls with `calls`. Must run on the channel's event loop.
    public static func addHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations, configuration: GRPCServerConfiguration, calls: any GRPCCallHandler
    ) throws {
        try pipeline.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
        try pipeline.addHandler(GRPCServerHandler(configuration: configuration, calls: calls))
    }
}
