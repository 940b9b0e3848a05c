import TrellisModel

/// Regroups released traces into one batch (`TraceBatchGrouper`), counting their spans and the
/// footprint the memory accountant holds for them.
struct BatchBuilder {
    private var grouper = TraceBatchGrouper()
    private(set) var footprintBytes = 0
    private(set) var spanCount = 0

    var isEmpty: Bool { grouper.isEmpty }

    mutating func add(_ chunks: [SpanChunk], footprintBytes bytes: Int) {
        footprintBytes += bytes
        for chunk in chunks {
            spanCount += chunk.spans.count
            grouper.append(chunk.spans, resource: chunk.resource, resourceSchemaURL: chunk.resourceSchemaURL,
                           scope: chunk.scope, scopeSchemaURL: chunk.scopeSchemaURL)
        }
    }

    var batch: TraceBatch { grouper.batch }
}
