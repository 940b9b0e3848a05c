/// The body formats the receivers accept.
public enum ExportFormat: Sendable, Hashable {
    /// OTLP `ExportTraceServiceRequest`, protobuf (gRPC and `application/x-protobuf`).
    case otlpProtobuf
    /// OTLP `ExportTraceServiceRequest`, JSON mapping (`application/json`).
    case otlpJSON
    /// Zipkin v2 JSON span list.
    case zipkinJSON
    /// Zipkin v2 protobuf `zipkin.proto3.ListOfSpans`.
    case zipkinProtobuf
    /// Jaeger Thrift `Batch` in the binary protocol (`POST /api/traces`).
    case jaegerThriftBinary
    /// Jaeger agent `emitBatch` in the Thrift compact protocol (one UDP datagram).
    case jaegerThriftCompact
    /// Jaeger api_v2 `PostSpansRequest` (gRPC).
    case jaegerProtobuf
}
