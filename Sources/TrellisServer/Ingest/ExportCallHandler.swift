import NIOCore
import NIOPosix
import TrellisCodec

/// A gRPC export service on one connection: one method whose message is decoded in `format` and
/// submitted through the export session. The outcome maps onto gRPC statuses
/// (`ExportFailure.grpcResponse`); success answers `responseBody(rejections)`.
public final class ExportCallHandler: GRPCCallHandler {
    /// One export method and how it answers.
    public struct Service: Sendable {
        /// The method path (`/opentelemetry.proto.collector.trace.v1.TraceService/Export`).
        public var path: String
        public var format: ExportFormat
        /// The response message for a successful call, given the spans rejected on their own.
        public var responseBody: @Sendable (SpanRejections) -> [UInt8]

        public init(path: String, format: ExportFormat, responseBody: @escaping @Sendable (SpanRejections) -> [UInt8]) {
            self.path = path
            self.format = format
            self.responseBody = responseBody
        }
    }

    private let service: Service
    private let session: ExportSession

    public init(service: Service, session: ExportSession) {
        self.service = service
        self.session = session
    }

    public func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void) {
        guard call.path == service.path else {
            session.metrics.failedRequest(reason: "unimplemented")
            respond(GRPCResponse(status: .unimplemented, message: "unknown method \(call.path); Trellis serves \(service.path)"))
            return
        }
        guard let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop else {
            preconditionFailure("gRPC calls are handled on their connection's event loop")
        }
        let responseBody = service.responseBody
        session.export(call.message, format: service.format, gzip: false, on: eventLoop).assumeIsolated().whenSuccess { outcome in
            switch outcome {
            case .success(let rejections): respond(GRPCResponse(status: .ok, body: responseBody(rejections)))
            case .failure(let failure): respond(failure.grpcResponse)
            }
        }
    }
}
