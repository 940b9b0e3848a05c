import TrellisModel

/// Joins pieces of one trace (from several writes, or from the ring and the archive) into one
/// batch: spans grouped under their resources and scopes, each span ID once (the first copy wins).
package enum TraceAssembly {
    package static func merge(_ batches: [TraceBatch]) -> TraceBatch? {
        var seen = Set<SpanID>()
        var grouper = TraceBatchGrouper()
        for batch in batches {
            for rs in batch.resourceSpans {
                for ss in rs.scopeSpans {
                    grouper.append(ss.spans.filter { seen.insert($0.spanID).inserted }, resource: rs.resource, resourceSchemaURL: rs.schemaURL,
                                   scope: ss.scope, scopeSchemaURL: ss.schemaURL)
                }
            }
        }
        return grouper.isEmpty ? nil : grouper.batch
    }
}
