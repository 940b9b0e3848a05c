/// Spans from one resource, grouped by instrumentation scope (OTLP's `ResourceSpans`).
public struct ResourceSpans: Hashable, Sendable {
    public var resource: Resource
    public var scopeSpans: [ScopeSpans]
    public var schemaURL: String

    public init(resource: Resource, scopeSpans: [ScopeSpans], schemaURL: String = "") {
        self.resource = resource
        self.scopeSpans = scopeSpans
        self.schemaURL = schemaURL
    }

    /// The number of spans across all scopes.
    public var spanCount: Int { scopeSpans.reduce(0) { $0 + $1.spans.count } }
}
