import NIOCore
import NIOEmbedded
import TrellisServer

/// A gRPC server connection (the handlers `GRPCServer` gives every connection) and an nghttp2
/// test client on two embedded channels, bytes moved between them by hand: nothing runs on a
/// socket, and events such as the idle timeout are fired by the test.
struct EmbeddedH2Server {
    let channel = EmbeddedChannel()
    let client = EmbeddedChannel()

    init(configuration: GRPCServerConfiguration, calls: any GRPCCallHandler = TestCallHandler()) throws {
        try GRPCServer.addHandlers(to: channel.pipeline.syncOperations, configuration: configuration, calls: calls)
        try client.pipeline.syncOperations.addHandler(H2ClientHandler())
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 4317)
        try channel.connect(to: address).wait()
        try client.connect(to: address).wait()
        try pump()
    }

    /// Moves every byte either side wrote to the other, until neither has more to say.
    func pump() throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                if channel.isActive { try channel.writeInbound(bytes) }
                moved = true
            }
            while let bytes = try channel.readOutbound(as: ByteBuffer.self) {
                if client.isActive { try client.writeInbound(bytes) }
                moved = true
            }
        }
    }

    /// One unary call, answered before it returns (the test call handler answers at once).
    func call(path: String, body: [UInt8]) throws -> H2Response {
        let response = try start(path: path, body: body)
        return try response.wait()
    }

    /// Sends a call; its answer completes the future once the server has written it and `pump` moved it.
    func start(path: String, body: [UInt8]) throws -> EventLoopFuture<H2Response> {
        let promise = client.eventLoop.makePromise(of: H2Response.self)
        try client.pipeline.syncOperations.handler(type: H2ClientHandler.self)
            .request(method: "POST", path: path, headers: [("content-type", "application/grpc")], body: body, endStream: true, promise: promise)
        try pump()
        return promise.futureResult
    }
}
