import TrellisModel

/// What a search result list shows of one trace without its spans: the fields of Jaeger's
/// api_v3 `TraceSummary` (jaeger-idl `query_service.proto`), times in Unix nanoseconds.
///
/// The root is the earliest-starting span without a parent (or, when every span has one,
/// the earliest span); an orphan is a span whose parent is not in the trace. A span is an error
/// span when its status is ERROR. Services are sorted by name.
public struct TraceSummary: Sendable, Hashable {
    public struct Service: Sendable, Hashable {
        public var name: String
        public var spanCount: Int
        public var errorSpanCount: Int

        public init(name: String, spanCount: Int, errorSpanCount: Int) {
            self.name = name
            self.spanCount = spanCount
            self.errorSpanCount = errorSpanCount
        }
    }

    public var traceID: TraceID
    public var rootServiceName: String
    public var rootOperationName: String
    public var minStartTimeUnixNano: UInt64
    public var maxEndTimeUnixNano: UInt64
    public var spanCount: Int
    public var errorSpanCount: Int
    public var orphanSpanCount: Int
    public var services: [Service]

    /// The summary of `trace`; nil when it has no spans.
    public init?(trace: TraceBatch) {
        let spans = trace.flattened
        guard let first = spans.first else { return nil }
        let ids = Set(spans.map(\.span.spanID))
        let byStart = { (a: (resource: Resource, scope: InstrumentationScope, span: Span), b: (resource: Resource, scope: InstrumentationScope, span: Span)) in
            (a.span.startTimeUnixNano, a.span.spanID) < (b.span.startTimeUnixNano, b.span.spanID)
        }
        let root = spans.filter(\.span.isRoot).min(by: byStart) ?? spans.min(by: byStart) ?? first
        var services: [String: Service] = [:]
        for (resource, _, span) in spans {
            let name = resource.serviceName
            var service = services[name] ?? Service(name: name, spanCount: 0, errorSpanCount: 0)
            service.spanCount += 1
            if span.status.code == .error { service.errorSpanCount += 1 }
            services[name] = service
        }
        traceID = first.span.traceID
        rootServiceName = root.resource.serviceName
        rootOperationName = root.span.name
        minStartTimeUnixNano = spans.lazy.map(\.span.startTimeUnixNano).min() ?? 0
        maxEndTimeUnixNano = spans.lazy.map { max($0.span.endTimeUnixNano, $0.span.startTimeUnixNano) }.max() ?? 0
        spanCount = spans.count
        errorSpanCount = spans.count { $0.span.status.code == .error }
        orphanSpanCount = spans.count { !$0.span.isRoot && !ids.contains($0.span.parentSpanID) }
        self.services = services.values.sorted { $0.name < $1.name }
    }
}
