/// One span of a demo trace with the pod and instrumentation scope that produced it.
public struct DemoSpan: Hashable, Sendable {
    public var pod: DemoPod
    public var scope: InstrumentationScope
    public var span: Span

    public init(pod: DemoPod, scope: InstrumentationScope, span: Span) {
        self.pod = pod
        self.scope = scope
        self.span = span
    }

    /// The service that produced the span.
    public var service: DemoService { pod.service }
}

extension TraceBatch {
    /// The spans grouped as an SDK exports them: one `ResourceSpans` per pod, one `ScopeSpans`
    /// per scope, both in order of first appearance.
    public init(demoSpans: [DemoSpan]) {
        var pods: [DemoPod] = []
        var scopes: [DemoPod: [InstrumentationScope]] = [:]
        var spans: [DemoPod: [InstrumentationScope: [Span]]] = [:]
        for item in demoSpans {
            if spans[item.pod] == nil { pods.append(item.pod) }
            if spans[item.pod]?[item.scope] == nil { scopes[item.pod, default: []].append(item.scope) }
            spans[item.pod, default: [:]][item.scope, default: []].append(item.span)
        }
        self.init(resourceSpans: pods.map { pod in
            ResourceSpans(resource: pod.resource, scopeSpans: scopes[pod, default: []].map { scope in
                ScopeSpans(scope: scope, spans: spans[pod]?[scope] ?? [])
            })
        })
    }
}
