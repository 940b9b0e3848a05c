import NIOCore
import NIOEmbedded
import Testing
@testable import TrellisServer

/// Slow clients on HTTP/1.1 (slowloris): the request deadlines, on an embedded channel whose
/// clock the test advances.
@Suite struct RequestDeadlineTests {
    private static func connection(readHeaderTimeout: TimeAmount = .seconds(2), readTimeout: TimeAmount = .seconds(3)) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let configuration = HTTPServerConfiguration(idleTimeout: .seconds(1000), readHeaderTimeout: readHeaderTimeout, readTimeout: readTimeout)
        try HTTPServer.addHandlers(to: channel.pipeline.syncOperations, configuration: configuration,
                                   responder: AdminResponder(readiness: Readiness(), renderMetrics: { Array("up 1\n".utf8) }))
        try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 16686)).wait()
        return channel
    }

    private static func send(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(channel.allocator.buffer(string: text))
    }

    private static func written(_ channel: EmbeddedChannel) throws -> String {
        var out = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out += String(buffer: buffer) }
        return out
    }

    @Test func aHeadSentOneByteAtATimeIsCutAtTheHeaderTimeoutWith408() throws {
        let channel = try Self.connection()
        for byte in "GET /heal" {
            try Self.send(String(byte), to: channel)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        }
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        let answer = try Self.written(channel)
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(answer.hasSuffix("the request head did not arrive within 2 s (read_header_timeout)\n"))
        #expect(!channel.isActive)
    }

    @Test func aBodyTrickleIsCutAtTheReadTimeout() throws {
        let channel = try Self.connection()
        try Self.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab", to: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2900))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(try Self.written(channel).hasSuffix("the request body did not arrive within 3 s of its head (read_timeout)\n"))
        #expect(!channel.isActive)
    }

    @Test func aQuietKeepAliveConnectionIsNotCutAndEachRequestGetsItsOwnDeadline() throws {
        let channel = try Self.connection()
        try Self.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", to: channel)
        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel).hasPrefix("HTTP/1.1 200 OK"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        try Self.send("GET /hea", to: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2100))
        #expect(try Self.written(channel).hasPrefix("HTTP/1.1 408"))
        #expect(!channel.isActive)
    }

    @Test func thePhaseMovesFromWaitingToHeadToBodyAndBack() {
        var phase = RequestReadPhase.waiting
        #expect(phase.bytesArrived() == .head)
        #expect(phase.bytesArrived() == nil)
        #expect(phase.advanced(by: .headReceived) == .body)
        #expect(phase == .readingBody)
        #expect(phase.bytesArrived() == nil)
        #expect(phase.advanced(by: .requestReceived) == nil)
        #expect(phase == .waiting)
    }
}
