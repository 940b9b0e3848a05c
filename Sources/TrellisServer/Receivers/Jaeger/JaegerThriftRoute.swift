extension SpanPostResponder.Route {
    /// Jaeger's collector HTTP endpoint (`POST /api/traces`, the `thrift_http` protocol): a Thrift
    /// `Batch` in the binary protocol.
    public static let jaegerThrift = SpanPostResponder.Route(
        path: "/api/traces",
        formats: ["application/x-thrift": .jaegerThriftBinary, "application/vnd.apache.thrift.binary": .jaegerThriftBinary],
        formatWithoutMediaType: nil,
        accepts: "Jaeger Thrift batches (application/x-thrift)")
}
