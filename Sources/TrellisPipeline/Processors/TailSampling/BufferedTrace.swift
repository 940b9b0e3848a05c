import TrellisModel

/// A trace waiting for its sampling decision, as the processor holds it: its spans packed
/// (`PackedSpans`, about their OTLP wire size instead of the model's several hundred bytes
/// per span) with the resource and scope they came with, plus what scheduling needs.
/// `unpacked()` turns it into the `PendingTrace` the policies look at.
struct BufferedTrace {
    let traceID: TraceID
    /// Distinguishes this buffering of the trace from an earlier one with the same ID
    /// (after a decision was forgotten), so stale queue entries are recognised.
    let sequence: UInt64
    /// When the first span arrived (processor clock, time since the processor started).
    let firstArrival: Duration
    /// When a root span arrived, if one did.
    var rootArrival: Duration?
    private var chunks: [PackedChunk] = []
    private(set) var spanCount = 0
    /// Heap bytes the buffered trace holds, as added to the memory accountant.
    private(set) var footprintBytes = 0

    init(traceID: TraceID, sequence: UInt64, firstArrival: Duration) {
        self.traceID = traceID
        self.sequence = sequence
        self.firstArrival = firstArrival
    }

    /// Keeps packed spans of this trace.
    mutating func add(_ chunk: PackedChunk) {
        chunks.append(chunk)
        spanCount += chunk.spans.count
        footprintBytes += chunk.footprintBytes
    }

    /// The trace with its spans as model values, for the policies and for forwarding.
    func unpacked() -> PendingTrace {
        var trace = PendingTrace(traceID: traceID)
        for chunk in chunks {
            trace.add(SpanChunk(resource: chunk.resource, resourceSchemaURL: chunk.resourceSchemaURL, scope: chunk.scope,
                                    scopeSchemaURL: chunk.scopeSchemaURL, spans: chunk.spans.unpacked()))
        }
        return trace
    }
}

/// Spans of one trace from one resource and scope, packed.
struct PackedChunk {
    var resource: Resource
    var resourceSchemaURL: String
    var scope: InstrumentationScope
    var scopeSchemaURL: String
    var spans: PackedSpans

    init(_ chunk: SpanChunk) {
        resource = chunk.resource
        resourceSchemaURL = chunk.resourceSchemaURL
        scope = chunk.scope
        scopeSchemaURL = chunk.scopeSchemaURL
        spans = PackedSpans(chunk.spans)
    }

    /// Heap bytes held: the packed spans and this chunk's slot in its trace's array.
    var footprintBytes: Int { spans.footprintBytes + MemoryLayout<PackedChunk>.stride }
}
