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
        try await Listener.bind(host: host, port: port, group: group, quiesce: quiesce) { channel in
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
            try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
            try sync.addHandler(HTTPRequestHandler(responder: makeResponder()))
        }
    }
}
