/// Builds one batch from spans that come in pieces, each with its resource and scope: spans
/// that share a resource (and schema URL) go under one `ResourceSpans`, and within it spans
/// that share a scope (and schema URL) under one `ScopeSpans`, in order of first appearance.
public struct TraceBatchGrouper {
    private struct ResourceKey: Hashable {
        var resource: Resource
        var schemaURL: String
    }

    private struct ScopeKey: Hashable {
        var resource: Int
        var scope: InstrumentationScope
        var schemaURL: String
    }

    private var resourceIndex: [ResourceKey: Int] = [:]
    private var scopeIndex: [ScopeKey: Int] = [:]
    private var resourceSpans: [ResourceSpans] = []

    public init() {}

    /// True when no span was appended.
    public var isEmpty: Bool { resourceSpans.isEmpty }

    /// The batch built so far.
    public var batch: TraceBatch { TraceBatch(resourceSpans: resourceSpans) }

    /// Appends spans that share a resource and a scope.
    public mutating func append(_ spans: [Span], resource: Resource, resourceSchemaURL: String, scope: InstrumentationScope, scopeSchemaURL: String) {
        guard !spans.isEmpty else { return }
        let rKey = ResourceKey(resource: resource, schemaURL: resourceSchemaURL)
        let r: Int
        if let existing = resourceIndex[rKey] {
            r = existing
        } else {
            r = resourceSpans.count
            resourceIndex[rKey] = r
            resourceSpans.append(ResourceSpans(resource: resource, scopeSpans: [], schemaURL: resourceSchemaURL))
        }
        let sKey = ScopeKey(resource: r, scope: scope, schemaURL: scopeSchemaURL)
        if let s = scopeIndex[sKey] {
            resourceSpans[r].scopeSpans[s].spans.append(contentsOf: spans)
        } else {
            scopeIndex[sKey] = resourceSpans[r].scopeSpans.count
            resourceSpans[r].scopeSpans.append(ScopeSpans(scope: scope, spans: spans, schemaURL: scopeSchemaURL))
        }
    }
}
