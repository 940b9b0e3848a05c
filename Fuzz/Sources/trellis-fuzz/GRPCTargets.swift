import NIOCore
import NIOEmbedded
import TrellisCodec
@testable import TrellisServer

/// The gRPC transport: the unary message framing on its own, and a whole nghttp2 server
/// session (`GRPCServerHandler`) fed raw bytes after the client preface, in up to three reads.
enum GRPCTargets {
    /// The first byte chooses `grpc-encoding` (none, identity, gzip, or one we do not speak).
    static func framing(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let encodings: [String?] = [nil, "identity", "gzip", "br"]
        let encoding = encodings[Int(selector) % encodings.count]
        let data = Array(bytes.dropFirst())
        let limit = 1 << 20
        switch GRPCMessageFraming.message(from: data, encoding: encoding, limit: limit) {
        case .message(let message):
            precondition(message.count <= limit, "a message past the limit was accepted")
            if data.first == 0 { precondition(message[...] == data.dropFirst(5), "an uncompressed message changed") }
        case .refuse(let response):
            precondition(response.status != .ok && !response.message.isEmpty, "a refusal must say why")
        }
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func session(_ bytes: [UInt8]) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        var configuration = GRPCServerConfiguration()
        configuration.maxReceiveMessageBytes = 1 << 20
        do {
            try channel.pipeline.syncOperations.addHandler(GRPCServerHandler(configuration: configuration, calls: DecodingCalls()))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4317)).wait()
        } catch {
            fatalError("session setup failed: \(error)")
        }
        _ = try? channel.writeInbound(channel.allocator.buffer(bytes: preface))
        for chunk in FuzzChunks.split(bytes) {
            guard channel.isActive else { break }
            _ = try? channel.writeInbound(channel.allocator.buffer(bytes: chunk))
            channel.embeddedEventLoop.run()
        }
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
    }
}

/// Answers each call at once: OK when its message is an OTLP export request, INVALID_ARGUMENT otherwise.
private final class DecodingCalls: GRPCCallHandler {
    func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void) {
        if (try? OTLPProtobufDecoder(initialArenaBytes: 4096).decode(call.message)) != nil {
            respond(GRPCResponse(status: .ok, body: []))
        } else {
            respond(GRPCResponse(status: .invalidArgument, message: "not an export request"))
        }
    }
}
