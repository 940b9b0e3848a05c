import NIOCore
import NIOEmbedded
import Testing
import TrellisServer

/// The HTTP/2 flood limits (`GRPCServerConfiguration.FloodLimits`), on a server connection fed
/// raw frames on an embedded channel: a client past a limit is cut off (with a GOAWAY where
/// nghttp2 sends one), while a well-behaved connection beside it is still served.
@Suite struct HTTP2FloodTests {
    /// An HTTP/2 frame: 24-bit length, type, flags, stream ID, payload.
    private static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, _ payload: [UInt8] = []) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length), type, flags,
                UInt8(stream >> 24), UInt8(truncatingIfNeeded: stream >> 16), UInt8(truncatingIfNeeded: stream >> 8), UInt8(truncatingIfNeeded: stream)] + payload
    }

    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + frame(type: 0x4)
    /// HEADERS with END_HEADERS: `:method POST`, `:scheme http`, `:path /` from HPACK's static table.
    private static func request(_ stream: UInt32) -> [UInt8] { frame(type: 0x1, flags: 0x4, stream: stream, [0x83, 0x86, 0x84]) }
    private static func reset(_ stream: UInt32) -> [UInt8] { frame(type: 0x3, stream: stream, [0, 0, 0, 8]) }

    /// The preface, then `count` streams each opened and at once reset (the rapid-reset pattern).
    private static func rapidReset(_ count: Int) -> [UInt8] {
        var bytes = preface
        for i in 0..<count {
            let stream = UInt32(2 * i + 1)
            bytes += request(stream)
            bytes += reset(stream)
        }
        return bytes
    }

    /// The preface, then `frame` `count` times.
    private static func repeated(_ frame: [UInt8], _ count: Int) -> [UInt8] {
        var bytes = preface
        for _ in 0..<count { bytes += frame }
        return bytes
    }

    /// Feeds `bytes` to a fresh server connection; returns the GOAWAY error codes it wrote back and whether it is still open.
    private static func send(_ bytes: [UInt8], limits: (inout GRPCServerConfiguration.FloodLimits) -> Void) throws -> (goAwayErrors: [UInt32], open: Bool) {
        var configuration = GRPCServerConfiguration()
        limits(&configuration.floodLimits)
        let channel = EmbeddedChannel()
        try GRPCServer.addHandlers(to: channel.pipeline.syncOperations, configuration: configuration, calls: TestCallHandler())
        try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 4317)).wait()
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        _ = try? channel.writeInbound(buffer)
        var written: [UInt8] = []
        while let out = try channel.readOutbound(as: ByteBuffer.self) { written += out.readableBytesView }
        var errors: [UInt32] = []
        var at = 0
        while at + 9 <= written.count {
            let length = Int(written[at]) << 16 | Int(written[at + 1]) << 8 | Int(written[at + 2])
            if written[at + 3] == 0x7, at + 17 <= written.count {
                errors.append(written[(at + 13)..<(at + 17)].reduce(0) { $0 << 8 | UInt32($1) })
            }
            at += 9 + length
        }
        return (errors, channel.isActive)
    }

    @Test func rapidResetPastTheBudgetGetsAGoAway() throws {
        let cut = try Self.send(Self.rapidReset(50)) { $0.streamResetBurst = 10; $0.streamResetsPerSecond = 1 }
        #expect(!cut.goAwayErrors.isEmpty)
        #expect(cut.goAwayErrors.allSatisfy { $0 != 0 })
        let within = try Self.send(Self.rapidReset(5)) { $0.streamResetBurst = 10; $0.streamResetsPerSecond = 1 }
        #expect(within.goAwayErrors.isEmpty && within.open)
    }

    @Test func pingFloodPastTheQueuedAcknowledgementsIsCutOff() throws {
        let ping = Self.frame(type: 0x6, [1, 2, 3, 4, 5, 6, 7, 8])
        // nghttp2 ends a flooded session without a GOAWAY: the connection is closed.
        let cut = try Self.send(Self.repeated(ping, 50)) { $0.maxQueuedControlAcks = 10 }
        #expect(!cut.open)
        let within = try Self.send(Self.repeated(ping, 5)) { $0.maxQueuedControlAcks = 10 }
        #expect(within.goAwayErrors.isEmpty && within.open)
    }

    @Test func settingsFloodPastTheQueuedAcknowledgementsIsCutOff() throws {
        let settings = Self.frame(type: 0x4)
        let cut = try Self.send(Self.repeated(settings, 50)) { $0.maxQueuedControlAcks = 10 }
        #expect(!cut.open)
    }

    @Test func aSettingsFrameWithTooManyEntriesGetsAGoAway() throws {
        // 40 entries of SETTINGS_HEADER_TABLE_SIZE = 4096.
        var entries: [UInt8] = []
        for _ in 0..<40 { entries += [0, 1, 0, 0, 0x10, 0] }
        let cut = try Self.send(Self.preface + Self.frame(type: 0x4, entries)) { $0.maxSettingsPerFrame = 32 }
        #expect(cut.goAwayErrors == [11])
    }

    @Test func aWellBehavedConnectionBesideAFloodIsServed() throws {
        _ = try Self.send(Self.rapidReset(50)) { $0.streamResetBurst = 10; $0.streamResetsPerSecond = 1 }
        let server = try EmbeddedH2Server(configuration: GRPCServerConfiguration())
        #expect(try server.call(path: "/test.Echo/Echo", body: grpcFrame([7])).message == [7])
    }
}
