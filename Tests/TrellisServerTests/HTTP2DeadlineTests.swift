import NIOCore
import NIOEmbedded
import Testing
@testable import TrellisServer

/// Slow clients on HTTP/2: the frame deadline (slowloris) and the stream deadline (a stream
/// that never sends DATA), on embedded channels whose clock the test advances.
@Suite struct HTTP2DeadlineTests {
    @Test func frameBoundariesFollowThePrefaceAndFrameLengths() {
        var frames = HTTP2FrameBoundaries()
        func consume(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { frames.consume($0.count, bytes: $0) } }
        #expect(consume(Array(repeating: 0x50, count: 10)))          // inside the preface
        #expect(!consume(Array(repeating: 0x50, count: 14)))         // the preface is whole
        #expect(consume([0, 0, 3, 0x4, 0]))                          // inside a frame header
        #expect(consume([0, 0, 0, 0, 1, 2]))                         // header whole, 2 of 3 payload bytes
        #expect(!consume([3]))                                       // the frame is whole
        #expect(!consume([0, 0, 0, 0x6, 0, 0, 0, 0, 0]))             // an empty frame, whole at once
    }

    @Test func aFrameTrickledPastTheHeaderTimeoutClosesTheConnection() throws {
        var configuration = GRPCServerConfiguration()
        configuration.readHeaderTimeout = .seconds(10)
        configuration.idleTimeout = .seconds(1000)
        let channel = EmbeddedChannel()
        try GRPCServer.addHandlers(to: channel.pipeline.syncOperations, configuration: configuration, calls: TestCallHandler())
        try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 4317)).wait()
        try channel.writeInbound(channel.allocator.buffer(bytes: Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 0x4, 0, 0, 0, 0, 0]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive, "a connection quiet between frames is the idle timeout's business")
        for byte: UInt8 in [0, 0, 3, 0x1, 0x4, 0, 0, 0] {
            try channel.writeInbound(channel.allocator.buffer(bytes: [byte]))
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        }
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!channel.isActive)
    }

    @Test func aStreamThatNeverEndsIsAnsweredDeadlineExceededAndOthersAreServed() throws {
        var configuration = GRPCServerConfiguration()
        configuration.readTimeout = .seconds(60)
        configuration.idleTimeout = .seconds(1000)
        let server = try EmbeddedH2Server(configuration: configuration)
        let client = try server.client.pipeline.syncOperations.handler(type: H2ClientHandler.self)
        let stalled = server.client.eventLoop.makePromise(of: H2Response.self)
        client.request(method: "POST", path: "/test.Echo/Echo", headers: [("content-type", "application/grpc")], body: [], endStream: false, promise: stalled)
        try server.pump()
        #expect(try server.call(path: "/test.Echo/Echo", body: grpcFrame([5])).message == [5])
        server.channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        try server.pump()
        server.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        try server.pump()
        let response = try stalled.futureResult.wait()
        #expect(response.grpcStatus == 4)
        #expect(response.grpcMessage == "the request did not end within 60000 ms of its headers (read_timeout)")
        #expect(server.channel.isActive)
    }
}
