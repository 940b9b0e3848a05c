import TrellisModel

/// Regroups released traces into one batch: spans that share a resource (and schema URL)
/// go into one `ResourceSpans`, and within it spans that share a scope into one `ScopeSpans`.
struct BatchBuilder {
    private struct ResourceKey: Hashable {
        var resource: Resource
        var schemaURL: String
    }

    private struct ScopeKey: Hashable {
        var scope: InstrumentationScope
        var schemaURL: String
    }

    private var resourceIndex: [ResourceKey: Int] = [:]
    private var scopeIndex: [[ScopeKey: Int]] = []
    private var resourceSpans: [ResourceSpans] = []
    private(set) var footprintBytes = 0
    private(set) var spanCount = 0

    var isEmpty: Bool { resourceSpans.isEmpty }

    mutating func add(_ chunks: [SpanChunk], footprintBytes bytes: Int) {
        footprintBytes += bytes
        for chunk in chunks {
            spanCount += chunk.spans.count
            let rKey = ResourceKey(resource: chunk.resource, schemaURL: chunk.resourceSchemaURL)
            let r: Int
            if let existing = resourceIndex[rKey] {
                r = existing
            } else {
                r = resourceSpans.count
                resourceIndex[rKey] = r
                resourceSpans.append(ResourceSpans(resource: chunk.resource, scopeSpans: [], schemaURL: chunk.resourceSchemaURL))
                scopeIndex.append([:])
            }
            let sKey = ScopeKey(scope: chunk.scope, schemaURL: chunk.scopeSchemaURL)
            if let s = scopeIndex[r][sKey] {
                resourceSpans[r].scopeSpans[s].spans.append(contentsOf: chunk.spans)
            } else {
                scopeIndex[r][sKey] = resourceSpans[r].scopeSpans.count
                resourceSpans[r].scopeSpans.append(ScopeSpans(scope: chunk.scope, spans: chunk.spans, schemaURL: chunk.scopeSchemaURL))
            }
        }
    }

    var batch: TraceBatch { TraceBatch(resourceSpans: resourceSpans) }
}
