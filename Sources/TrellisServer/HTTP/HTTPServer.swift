import NIOCore
import NIOExtras
import NIOHTTP1

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
        try await Listener.bind(host: host, port: port, group: group, quiesce: quiesce, maxConnections: configuration.maxConnections) { channel in
            try addHandlers(to: channel.pipeline.syncOperations, configuration: configuration, responder: makeResponder())
        }
    }

    /// The handlers of one connection: the idle timeout, the request deadlines, NIO's HTTP/1.1
    /// codec, then the request handler in front of `responder`. Tests use it on embedded channels.
    public static func addHandlers(to sync: ChannelPipeline.SynchronousOperations, configuration: HTTPServerConfiguration, responder: any HTTPResponder) throws {
        try sync.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
        try sync.addHandler(RequestDeadlineHandler(readHeaderTimeout: configuration.readHeaderTimeout, readTimeout: configuration.readTimeout))
        try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
        try sync.addHandler(HTTPRequestHandler(responder: responder))
    }
}
