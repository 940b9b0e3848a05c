import TrellisCodec
import TrellisModel

/// `attributes` and `resource` processors: apply collector-style actions to span attributes
/// (of spans that pass `include`/`exclude`) or to resource attributes, then hand the slices on.
/// Typical uses: redacting `http.url` query strings, adding `deployment.environment`.
public struct AttributesProcessor: SpanConsumer {
    /// What the actions apply to.
    public enum Target: Sendable {
        case spans(include: SpanMatcher?, exclude: SpanMatcher?)
        case resource
    }

    private let actions: [AttributeAction]
    private let target: Target
    private let indexedKeys: IndexedKeys
    private let next: any SpanConsumer

    /// - Parameter indexedKeys: the attribute keys whose values the changed slices' summaries collect.
    public init(actions: [AttributeAction], target: Target, indexedKeys: IndexedKeys, next: any SpanConsumer) {
        self.actions = actions
        self.target = target
        self.indexedKeys = indexedKeys
        self.next = next
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        try await next.consume(transform(slices))
    }

    public func shutdown(deadline: ContinuousClock.Instant) async {
        await next.shutdown(deadline: deadline)
    }

    /// The slices with the actions applied (and summarised again). Encoded slices are decoded
    /// first; a slice whose spans do not decode (never the case for slices this process encoded)
    /// goes on unchanged.
    public func transform(_ slices: [TraceSlice]) -> [TraceSlice] {
        var decoder: SliceDecoder?
        return slices.map { slice in
            let scopes: [ScopeSpans]
            if case .model(let model) = slice.spans {
                scopes = model
            } else {
                let reader = decoder ?? SliceDecoder()
                decoder = reader
                guard let decoded = try? reader.scopes(of: slice) else { return slice }
                scopes = decoded
            }
            var resource = slice.resource
            var changed = scopes
            switch target {
            case .resource:
                for action in actions { action.apply(to: &resource.attributes) }
            case .spans(let include, let exclude):
                for s in changed.indices {
                    for i in changed[s].spans.indices {
                        let name = changed[s].spans[i].name
                        if let include, !include.matches(service: slice.service, spanName: name) { continue }
                        if let exclude, exclude.matches(service: slice.service, spanName: name) { continue }
                        for action in actions { action.apply(to: &changed[s].spans[i].attributes) }
                    }
                }
            }
            return TraceSlice(traceID: slice.traceID, resource: resource, resourceSchemaURL: slice.resourceSchemaURL, scopes: changed, indexedKeys: indexedKeys)
        }
    }
}
