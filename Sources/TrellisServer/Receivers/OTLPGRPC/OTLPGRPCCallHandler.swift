import NIOCore
import NIOPosix
import TrellisCodec

/// OTLP/gRPC on one connection: answers `TraceService/Export` calls. The transport has
/// already framed and inflated the message; this decodes it, submits the spans and maps
/// the outcome onto gRPC statuses (partial success rides on an OK answer).
public final class OTLPGRPCCallHandler: GRPCCallHandler {
    public static let exportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

    private let ingest: ExportIngest
    private let metrics: ReceiverMetrics
    private let decoder: ExportDecoder

    public init(ingest: ExportIngest, metrics: ReceiverMetrics, maxMessageBytes: Int) {
        self.ingest = ingest
        self.metrics = metrics
        decoder = ExportDecoder(maxBodyBytes: maxMessageBytes)
    }

    public func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void) {
        guard call.path == Self.exportPath else {
            metrics.failedRequest(reason: "unimplemented")
            respond(GRPCResponse(status: .unimplemented, message: "unknown method \(call.path); Trellis serves \(Self.exportPath)", body: nil))
            return
        }
        let decoded: DecodedTraces
        do {
            decoded = try decoder.decode(call.message, format: .otlpProtobuf, gzip: false)
        } catch {
            ingest.record(error, metrics: metrics)
            respond(Self.response(for: error))
            return
        }
        guard let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop else {
            preconditionFailure("gRPC calls are handled on their connection's event loop")
        }
        let ingest = self.ingest
        let metrics = self.metrics
        eventLoop.makeFutureWithTask { () -> GRPCResponse in
            do throws(ExportFailure) {
                let rejections = try await ingest.submit(decoded, metrics: metrics)
                let body = OTLPProtobufEncoder().encodeResponse(rejectedSpans: Int64(rejections.count), errorMessage: rejections.message)
                return GRPCResponse(status: .ok, message: "", body: body)
            } catch {
                return Self.response(for: error)
            }
        }.assumeIsolated().whenSuccess { respond($0) }
    }

    private static func response(for failure: ExportFailure) -> GRPCResponse {
        switch failure {
        case .invalidBody: return GRPCResponse(status: .invalidArgument, message: failure.message, body: nil)
        case .tooLarge: return GRPCResponse(status: .resourceExhausted, message: failure.message, body: nil)
        case .refused: return GRPCResponse(status: .unavailable, message: failure.message, body: nil)
        }
    }
}
