import NIOCore
import NIOPosix
import TrellisCodec

/// OTLP/gRPC on one connection: answers `TraceService/Export` calls. The transport has
/// already framed and inflated the message; the export session decodes and submits it,
/// and the outcome maps onto gRPC statuses (partial success rides on an OK answer).
public final class OTLPGRPCCallHandler: GRPCCallHandler {
    public static let exportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

    private let session: ExportSession

    public init(session: ExportSession) {
        self.session = session
    }

    public func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void) {
        guard call.path == Self.exportPath else {
            session.metrics.failedRequest(reason: "unimplemented")
            respond(GRPCResponse(status: .unimplemented, message: "unknown method \(call.path); Trellis serves \(Self.exportPath)"))
            return
        }
        guard let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop else {
            preconditionFailure("gRPC calls are handled on their connection's event loop")
        }
        session.export(call.message, format: .otlpProtobuf, gzip: false, on: eventLoop).assumeIsolated().whenSuccess { outcome in
            switch outcome {
            case .success(let rejections):
                let body = OTLPProtobufEncoder().encodeResponse(rejectedSpans: Int64(rejections.count), errorMessage: rejections.message)
                respond(GRPCResponse(status: .ok, body: body))
            case .failure(let failure):
                respond(Self.response(for: failure))
            }
        }
    }

    private static func response(for failure: ExportFailure) -> GRPCResponse {
        switch failure {
        case .invalidBody: return GRPCResponse(status: .invalidArgument, message: failure.message)
        case .tooLarge: return GRPCResponse(status: .resourceExhausted, message: failure.message)
        case .refused: return GRPCResponse(status: .unavailable, message: failure.message)
        }
    }
}
