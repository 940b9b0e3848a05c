import TrellisCodec

extension ExportCallHandler.Service {
    /// OTLP/gRPC `TraceService/Export`; partial success rides on the OK answer
    /// (`ExportTraceServiceResponse.partial_success`).
    public static let otlp = ExportCallHandler.Service(path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export", format: .otlpProtobuf) { rejections in
        OTLPProtobufEncoder().encodeResponse(rejectedSpans: Int64(rejections.count), errorMessage: rejections.message)
    }
}
