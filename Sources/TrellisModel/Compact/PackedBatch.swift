/// A `TraceBatch` whose spans are packed (`PackedSpans`), for stores that keep batches in
/// memory for long (the ring): the resources and scopes stay model values, shared with the
/// batch they came from, and each scope's spans become one byte buffer.
public struct PackedBatch: Sendable {
    struct PackedScope: Sendable {
        var scope: InstrumentationScope
        var schemaURL: String
        var spans: PackedSpans
    }

    struct PackedResource: Sendable {
        var resource: Resource
        var schemaURL: String
        var scopes: [PackedScope]
    }

    private let resources: [PackedResource]
    /// The number of spans packed.
    public let spanCount: Int

    public init(_ batch: TraceBatch) {
        resources = batch.resourceSpans.map { rs in
            PackedResource(resource: rs.resource, schemaURL: rs.schemaURL,
                           scopes: rs.scopeSpans.map { PackedScope(scope: $0.scope, schemaURL: $0.schemaURL, spans: PackedSpans($0.spans)) })
        }
        spanCount = batch.spanCount
    }

    /// Heap bytes this batch holds beyond what it shares with the batch it was packed from:
    /// the packed spans and the arrays and strings that structure them. Resource and scope
    /// attributes are shared copy-on-write storage and are not counted.
    public var footprintBytes: Int {
        var total = 32 + resources.count * MemoryLayout<PackedResource>.stride
        for resource in resources {
            total += 32 + resource.scopes.count * MemoryLayout<PackedScope>.stride + resource.schemaURL.footprintBytes
            for scope in resource.scopes { total += scope.spans.footprintBytes + scope.schemaURL.footprintBytes }
        }
        return total
    }

    /// The batch, with its spans as model values.
    public func unpacked() -> TraceBatch {
        TraceBatch(resourceSpans: resources.map { r in
            ResourceSpans(resource: r.resource, scopeSpans: r.scopes.map { ScopeSpans(scope: $0.scope, spans: $0.spans.unpacked(), schemaURL: $0.schemaURL) },
                          schemaURL: r.schemaURL)
        })
    }
}
