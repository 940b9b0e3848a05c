import NIOCore
import NIOExtras
import NIOPosix
import Testing
import TrellisCodec
import TrellisServer

/// Answers the test service's methods; unknown paths get UNIMPLEMENTED.
final class TestCallHandler: GRPCCallHandler {
    func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void) {
        switch call.path {
        case "/test.Echo/Echo":
            respond(GRPCResponse(status: .ok, body: call.message))
        case "/test.Echo/Header":
            respond(GRPCResponse(status: .ok, body: Array((call.header("x-test") ?? "-").utf8)))
        case "/test.Echo/Fail":
            respond(GRPCResponse(status: .invalidArgument, message: "bad input: 100% ünicode\n"))
        case "/test.Echo/Slow":
            // Answers later, on the same event loop, as a pipeline-backed handler would.
            MultiThreadedEventLoopGroup.currentEventLoop!.assumeIsolated().scheduleTask(in: .milliseconds(400)) {
                respond(GRPCResponse(status: .ok, body: call.message))
            }
        default:
            respond(GRPCResponse(status: .unimplemented, message: "unknown method \(call.path)"))
        }
    }
}

/// Runs a server on 127.0.0.1, an ephemeral port, for the duration of `body`.
func withServer(
    _ configure: (inout GRPCServerConfiguration) -> Void = { _ in }, quiesce: ServerQuiescingHelper? = nil,
    _ body: (Int) async throws -> Void
) async throws {
    var configuration = GRPCServerConfiguration()
    configure(&configuration)
    let server = try await GRPCServer.bind(host: "127.0.0.1", port: 0, group: MultiThreadedEventLoopGroup.singleton,
                                           configuration: configuration, quiesce: quiesce) { TestCallHandler() }
    let port = try #require(server.localAddress?.port)
    do {
        try await body(port)
    } catch {
        try? await server.close()
        throw error
    }
    try? await server.close()
}

@Suite("gRPC over nghttp2")
struct GRPCServerTests {
    @Test func unaryCallGetsItsMessageAndOKInTrailers() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let message = Array("hello, trellis".utf8)
            let response = try await client.call(path: "/test.Echo/Echo", body: grpcFrame(message))
            #expect(response.header(":status") == "200")
            #expect(response.header("content-type") == "application/grpc")
            #expect(response.message == message)
            #expect(response.trailer("grpc-status") == "0")
            #expect(response.header("grpc-status") == nil)
            #expect(response.resetCode == nil)
            await client.close()
        }
    }

    @Test func headersReachTheCallHandler() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let response = try await client.call(path: "/test.Echo/Header",
                                                 headers: [("content-type", "application/grpc+proto"), ("x-test", "metadata")],
                                                 body: grpcFrame([]))
            #expect(response.grpcStatus == 0)
            #expect(response.message == Array("metadata".utf8))
            await client.close()
        }
    }

    @Test func largeMessageRoundTrips() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let message = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let response = try await client.call(path: "/test.Echo/Echo", body: grpcFrame(message))
            #expect(response.grpcStatus == 0)
            #expect(response.message == message)
            await client.close()
        }
    }

    @Test func unknownPathIsUnimplemented() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let response = try await client.call(path: "/nope.Service/Method", body: grpcFrame([1, 2, 3]))
            #expect(response.grpcStatus == 12)
            #expect(response.grpcMessage == "unknown method /nope.Service/Method")
            #expect(response.data.isEmpty)
            await client.close()
        }
    }

    @Test func statusMessageIsPercentEncoded() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let response = try await client.call(path: "/test.Echo/Fail", body: grpcFrame([]))
            #expect(response.grpcStatus == 3)
            #expect(response.grpcMessage == "bad input: 100%25 %C3%BCnicode%0A")
            await client.close()
        }
    }

    @Test func oversizedLengthPrefixIsRefusedAtOnceAndReset() async throws {
        try await withServer({ $0.maxReceiveMessageBytes = 1024 }) { port in
            let client = try await H2TestClient.connect(port: port)
            // Declares 1 MB, sends 100 bytes and keeps the stream open: the answer must not
            // wait for the rest.
            let header: [UInt8] = [0, 0x00, 0x0F, 0x42, 0x40]
            let response = try await client.call(path: "/test.Echo/Echo", body: header + [UInt8](repeating: 7, count: 100), endStream: false)
            #expect(response.grpcStatus == 8)
            #expect(response.grpcMessage == "message of 1000000 bytes exceeds the limit of 1024 bytes")
            #expect(response.resetCode == 0)
            #expect(!response.connectionClosed)
            // The connection still serves calls.
            let next = try await client.call(path: "/test.Echo/Echo", body: grpcFrame([9]))
            #expect(next.message == [9])
            await client.close()
        }
    }

    @Test func truncatedFrameIsInvalidArgument() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let message = try await client.call(path: "/test.Echo/Echo", body: [0, 0, 0, 0, 10, 1, 2, 3, 4])
            #expect(message.grpcStatus == 3)
            #expect(message.grpcMessage == "truncated gRPC message: expected 10 bytes, got 4")
            let header = try await client.call(path: "/test.Echo/Echo", body: [0, 0, 0])
            #expect(header.grpcStatus == 3)
            #expect(header.grpcMessage?.hasPrefix("truncated gRPC frame header") == true)
            await client.close()
        }
    }

    @Test func zeroOrTwoMessagesAreInvalidArgument() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let headersOnly = try await client.call(path: "/test.Echo/Echo", body: nil)
            #expect(headersOnly.grpcStatus == 3)
            let emptyBody = try await client.call(path: "/test.Echo/Echo", body: [])
            #expect(emptyBody.grpcStatus == 3)
            let two = try await client.call(path: "/test.Echo/Echo", body: grpcFrame([1]) + grpcFrame([2]))
            #expect(two.grpcStatus == 3)
            await client.close()
        }
    }

    @Test func gzipMessageIsInflated() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let message = Array(String(repeating: "span span span ", count: 1000).utf8)
            let response = try await client.call(
                path: "/test.Echo/Echo", headers: [("content-type", "application/grpc"), ("grpc-encoding", "gzip")],
                body: grpcFrame(Gzip.deflate(message), compressed: true))
            #expect(response.grpcStatus == 0)
            #expect(response.message == message)
            // An uncompressed message on a call that names gzip is fine too.
            let plain = try await client.call(
                path: "/test.Echo/Echo", headers: [("content-type", "application/grpc"), ("grpc-encoding", "gzip")],
                body: grpcFrame([1, 2]))
            #expect(plain.message == [1, 2])
            await client.close()
        }
    }

    @Test func compressionErrors() async throws {
        try await withServer({ $0.maxReceiveMessageBytes = 64 << 10 }) { port in
            let client = try await H2TestClient.connect(port: port)
            let unsupported = try await client.call(
                path: "/test.Echo/Echo", headers: [("content-type", "application/grpc"), ("grpc-encoding", "br")],
                body: grpcFrame([1], compressed: true))
            #expect(unsupported.grpcStatus == 12)
            #expect(unsupported.header("grpc-accept-encoding") == "identity,gzip")
            let noEncoding = try await client.call(path: "/test.Echo/Echo", body: grpcFrame([1], compressed: true))
            #expect(noEncoding.grpcStatus == 13)
            let corrupt = try await client.call(
                path: "/test.Echo/Echo", headers: [("content-type", "application/grpc"), ("grpc-encoding", "gzip")],
                body: grpcFrame([0x1F, 0x8B, 8, 0, 1, 2, 3, 4, 5, 6], compressed: true))
            #expect(corrupt.grpcStatus == 13)
            #expect(corrupt.grpcMessage?.contains("inflate") == true)
            let bomb = try await client.call(
                path: "/test.Echo/Echo", headers: [("content-type", "application/grpc"), ("grpc-encoding", "gzip")],
                body: grpcFrame(Gzip.deflate([UInt8](repeating: 0, count: 1 << 20)), compressed: true))
            #expect(bomb.grpcStatus == 8)
            await client.close()
        }
    }

    @Test func nonGRPCRequestsAreRefused() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let json = try await client.call(path: "/test.Echo/Echo", headers: [("content-type", "application/json")], body: Array("{}".utf8))
            #expect(json.header(":status") == "415")
            #expect(json.grpcStatus == 13)
            let get = try await client.call(method: "GET", path: "/test.Echo/Echo", headers: [], body: nil)
            #expect(get.header(":status") == "405")
            #expect(get.grpcStatus == 12)
            await client.close()
        }
    }

    @Test func hundredConcurrentStreamsOnOneConnection() async throws {
        try await withServer { port in
            let client = try await H2TestClient.connect(port: port)
            let futures = (0..<100).map { i in
                client.start(path: i % 10 == 0 ? "/test.Echo/Slow" : "/test.Echo/Echo", body: grpcFrame(Array("call \(i)".utf8)))
            }
            for (i, future) in futures.enumerated() {
                let response = try await future.get()
                #expect(response.grpcStatus == 0)
                #expect(response.message == Array("call \(i)".utf8))
            }
            await client.close()
        }
    }

    /// On embedded channels, with the idle event fired by the test: what the server does when a
    /// connection goes quiet no longer races a 300 ms wall-clock timer under load (NIO's
    /// `IdleStateHandler` measures on the real clock; the timeout it is given is checked here).
    @Test func silentConnectionIsClosedWhenItsIdleTimeoutFires() throws {
        var configuration = GRPCServerConfiguration()
        configuration.idleTimeout = .milliseconds(300)
        let server = try EmbeddedH2Server(configuration: configuration)
        #expect(try server.channel.pipeline.syncOperations.handler(type: IdleStateHandler.self).readTimeout == .milliseconds(300))
        #expect(server.channel.isActive)
        server.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(!server.channel.isActive)
    }

    @Test func quietHTTP2ConnectionGetsAGoAwayNamingItsLastStreamThenIsClosed() throws {
        let server = try EmbeddedH2Server(configuration: GRPCServerConfiguration())
        let response = try server.call(path: "/test.Echo/Echo", body: grpcFrame([1]))
        #expect(response.message == [1])
        #expect(server.channel.isActive)
        server.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        try server.pump()
        #expect(!server.channel.isActive)
        let goAways = try server.client.pipeline.syncOperations.handler(type: H2ClientHandler.self).goAways
        #expect(goAways.first?.errorCode == 0)
        #expect(goAways.first?.lastStreamID == 1)
    }

    @Test func garbageClosesTheConnection() async throws {
        try await withServer { port in
            let raw = try await connectRaw(port: port)
            try await raw.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + String(repeating: "\u{1}garbage", count: 50)))
            #expect(try await secondsUntilClosed(raw, limit: .seconds(5)) != nil)

            // Garbage after a valid preface: a connection error, GOAWAY and close.
            let late = try await connectRaw(port: port)
            try await late.writeAndFlush(ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + String(repeating: "\u{FF}garbage", count: 50)))
            #expect(try await secondsUntilClosed(late, limit: .seconds(5)) != nil)

            // The server keeps serving.
            let client = try await H2TestClient.connect(port: port)
            let response = try await client.call(path: "/test.Echo/Echo", body: grpcFrame([4, 2]))
            #expect(response.message == [4, 2])
            await client.close()
        }
    }

    /// On embedded channels: the shutdown notice, the PING's acknowledgement, the final GOAWAY and
    /// the answer of the call in flight happen in the order the test moves them, not by timers
    /// racing a loaded machine.
    @Test func quiescingFinishesInFlightCallsThenCloses() throws {
        let calls = HeldCallHandler()
        let server = try EmbeddedH2Server(configuration: GRPCServerConfiguration(), calls: calls)
        #expect(try server.call(path: "/test.Echo/Echo", body: grpcFrame([0])).grpcStatus == 0)
        let slow = try server.start(path: "/test.Echo/Slow", body: grpcFrame([5]))
        #expect(calls.held == 1)
        server.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try server.pump()
        let goAways = try server.client.pipeline.syncOperations.handler(type: H2ClientHandler.self).goAways
        #expect(goAways.map(\.lastStreamID) == [Int32.max, 3])
        #expect(server.channel.isActive)
        calls.release()
        try server.pump()
        let response = try slow.wait()
        #expect(response.grpcStatus == 0)
        #expect(response.message == [5])
        #expect(!server.channel.isActive)
    }
}

/// Answers `/test.Echo/Slow` only when the test releases it; other calls as `TestCallHandler`.
final class HeldCallHandler: GRPCCallHandler {
    private var waiting: [() -> Void] = []
    private let others = TestCallHandler()

    var held: Int { waiting.count }

    func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void) {
        guard call.path == "/test.Echo/Slow" else { return others.handle(call, respond: respond) }
        waiting.append { respond(GRPCResponse(status: .ok, body: call.message)) }
    }

    func release() {
        let answers = waiting
        waiting = []
        for answer in answers { answer() }
    }
}
