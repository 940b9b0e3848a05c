import NIOCore
import NIOPosix

/// The Jaeger agent's UDP port (6831): each datagram is one `emitBatch` message in the Thrift
/// compact protocol. UDP has no answer, so every outcome is only counted (the receiver metrics:
/// accepted, rejected, refused, `failed_requests_total{reason}`). Datagrams up to 65,000 bytes,
/// the Jaeger clients' limit, are read whole.
public enum JaegerCompactUDPServer {
    /// The largest datagram Jaeger clients send.
    public static let maxDatagramBytes = 65_000

    public static func bind(host: String, port: Int, group: any EventLoopGroup, session: @escaping @Sendable () -> ExportSession) async throws -> any Channel {
        try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: maxDatagramBytes + 1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(session: session()))
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    private final class DatagramHandler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>

        private let session: ExportSession

        init(session: ExportSession) {
            self.session = session
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let datagram = unwrapInboundIn(data).data
            guard datagram.readableBytes <= maxDatagramBytes else {
                session.metrics.failedRequest(reason: "too_large")
                return
            }
            _ = session.export(Array(datagram.readableBytesView), format: .jaegerThriftCompact, gzip: false, on: context.eventLoop)
        }
    }
}
