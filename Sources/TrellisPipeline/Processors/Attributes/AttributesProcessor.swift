import TrellisModel

/// `attributes` and `resource` processors: apply collector-style actions to span attributes
/// (of spans that pass `include`/`exclude`) or to resource attributes, then hand the batch on.
/// Typical uses: redacting `http.url` query strings, adding `deployment.environment`.
public struct AttributesProcessor: SpanConsumer {
    /// What the actions apply to.
    public enum Target: Sendable {
        case spans(include: SpanMatcher?, exclude: SpanMatcher?)
        case resource
    }

    private let actions: [AttributeAction]
    private let target: Target
    private let next: any SpanConsumer

    public init(actions: [AttributeAction], target: Target, next: any SpanConsumer) {
        self.actions = actions
        self.target = target
        self.next = next
    }

    public func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        try await next.consume(transform(batch))
    }

    public func drain() async {
        await next.drain()
    }

    /// The batch with the actions applied.
    public func transform(_ batch: TraceBatch) -> TraceBatch {
        var out = batch
        for r in out.resourceSpans.indices {
            switch target {
            case .resource:
                for action in actions { action.apply(to: &out.resourceSpans[r].resource.attributes) }
            case .spans(let include, let exclude):
                let service = out.resourceSpans[r].resource.serviceName
                for s in out.resourceSpans[r].scopeSpans.indices {
                    for i in out.resourceSpans[r].scopeSpans[s].spans.indices {
                        let name = out.resourceSpans[r].scopeSpans[s].spans[i].name
                        if let include, !include.matches(service: service, spanName: name) { continue }
                        if let exclude, exclude.matches(service: service, spanName: name) { continue }
                        for action in actions { action.apply(to: &out.resourceSpans[r].scopeSpans[s].spans[i].attributes) }
                    }
                }
            }
        }
        return out
    }
}
