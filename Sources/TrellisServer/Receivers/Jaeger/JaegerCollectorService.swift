extension ExportCallHandler.Service {
    /// Jaeger's `jaeger.api_v2.CollectorService/PostSpans` (the `grpc` protocol). `PostSpansResponse`
    /// is empty: spans rejected on their own are only counted, as it has no partial success.
    public static let jaeger = ExportCallHandler.Service(path: "/jaeger.api_v2.CollectorService/PostSpans", format: .jaegerProtobuf) { _ in [] }
}
