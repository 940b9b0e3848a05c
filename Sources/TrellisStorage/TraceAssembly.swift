import TrellisModel

/// Joins pieces of one trace (from several writes, or from the ring and the archive) into one
/// batch: spans grouped under their resources and scopes, each span ID once (the first copy wins).
enum TraceAssembly {
    static func merge(_ batches: [TraceBatch]) -> TraceBatch? {
        var seen = Set<SpanID>()
        var out: [ResourceSpans] = []
        var resourceIndex: [ResourceKey: Int] = [:]
        var scopeIndex: [ScopeKey: Int] = [:]
        for batch in batches {
            for rs in batch.resourceSpans {
                for ss in rs.scopeSpans {
                    let spans = ss.spans.filter { seen.insert($0.spanID).inserted }
                    guard !spans.isEmpty else { continue }
                    let rKey = ResourceKey(resource: rs.resource, schemaURL: rs.schemaURL)
                    let r: Int
                    if let existing = resourceIndex[rKey] {
                        r = existing
                    } else {
                        r = out.count
                        resourceIndex[rKey] = r
                        out.append(ResourceSpans(resource: rs.resource, scopeSpans: [], schemaURL: rs.schemaURL))
                    }
                    let sKey = ScopeKey(resource: r, scope: ss.scope, schemaURL: ss.schemaURL)
                    if let s = scopeIndex[sKey] {
                        out[r].scopeSpans[s].spans.append(contentsOf: spans)
                    } else {
                        scopeIndex[sKey] = out[r].scopeSpans.count
                        out[r].scopeSpans.append(ScopeSpans(scope: ss.scope, spans: spans, schemaURL: ss.schemaURL))
                    }
                }
            }
        }
        return out.isEmpty ? nil : TraceBatch(resourceSpans: out)
    }

    private struct ResourceKey: Hashable {
        var resource: Resource
        var schemaURL: String
    }

    private struct ScopeKey: Hashable {
        var resource: Int
        var scope: InstrumentationScope
        var schemaURL: String
    }
}
