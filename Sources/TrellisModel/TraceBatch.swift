/// A batch of spans as it travels the pipeline: the content of one OTLP export request.
public struct TraceBatch: Hashable, Sendable {
    public var resourceSpans: [ResourceSpans]

    public init(resourceSpans: [ResourceSpans] = []) {
        self.resourceSpans = resourceSpans
    }

    /// The number of spans in the batch.
    public var spanCount: Int { resourceSpans.reduce(0) { $0 + $1.spanCount } }

    /// Every span with its resource and scope, in batch order.
    public var flattened: [(resource: Resource, scope: InstrumentationScope, span: Span)] {
        var out: [(resource: Resource, scope: InstrumentationScope, span: Span)] = []
        out.reserveCapacity(spanCount)
        for rs in resourceSpans {
            for ss in rs.scopeSpans {
                for span in ss.spans { out.append((rs.resource, ss.scope, span)) }
            }
        }
        return out
    }
}
