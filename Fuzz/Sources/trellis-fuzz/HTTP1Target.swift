import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import TrellisServer

/// The HTTP/1.1 request path as a connection runs it (`HTTPServer.addHandlers`): request
/// deadlines, NIO's parser, then Trellis's `HTTPRequestHandler` (body limits, 413, keep-alive) in
/// front of the admin responder, on an embedded channel. The input arrives in up to three reads (its first two bytes choose the
/// cuts), and every byte the server writes back must be a sequence of HTTP/1.1 responses.
enum HTTP1Target {
    static func run(_ bytes: [UInt8]) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try HTTPServer.addHandlers(to: channel.pipeline.syncOperations, configuration: HTTPServerConfiguration(),
                                       responder: AdminResponder(readiness: Readiness(), renderMetrics: { Array("up 1\n".utf8) }))
        } catch {
            fatalError("pipeline setup failed: \(error)")
        }
        for chunk in FuzzChunks.split(bytes) {
            guard channel.isActive else { break }
            _ = try? channel.writeInbound(channel.allocator.buffer(bytes: chunk))
            channel.embeddedEventLoop.run()
        }
        var written: [UInt8] = []
        while let out = try? channel.readOutbound(as: ByteBuffer.self) {
            written += out.readableBytesView
        }
        precondition(written.isEmpty || written.starts(with: Array("HTTP/1.1 ".utf8)), "the server wrote something other than an HTTP/1.1 response")
    }
}
