import TrellisModel

/// Spans of one trace from one resource and scope, kept together so a released trace can be
/// regrouped into `ResourceSpans`/`ScopeSpans` without losing either.
struct SpanChunk {
    var resource: Resource
    var resourceSchemaURL: String
    var scope: InstrumentationScope
    var scopeSchemaURL: String
    var spans: [Span]
}

/// A trace being decided: its spans as model values and the facts policies ask about
/// (`BufferedTrace` is how it waits, packed, until then).
struct PendingTrace {
    let traceID: TraceID
    var chunks: [SpanChunk] = []
    var spanCount = 0
    /// Sum of the spans' `footprintBytes`, as counted by the memory accountant once sampled.
    var footprintBytes = 0
    var earliestStartNanos = UInt64.max
    var latestEndNanos: UInt64 = 0

    init(traceID: TraceID) {
        self.traceID = traceID
    }

    /// Adds spans that share a resource and scope.
    mutating func add(_ chunk: SpanChunk) {
        for span in chunk.spans {
            footprintBytes += span.footprintBytes
            earliestStartNanos = min(earliestStartNanos, span.startTimeUnixNano)
            latestEndNanos = max(latestEndNanos, span.endTimeUnixNano)
        }
        spanCount += chunk.spans.count
        chunks.append(chunk)
    }

    /// Latest end minus earliest start, in nanoseconds (0 for an empty or inverted trace).
    var durationNanos: UInt64 {
        latestEndNanos >= earliestStartNanos ? latestEndNanos - earliestStartNanos : 0
    }

    /// True when a resource attribute or a span attribute named `key` satisfies `match`.
    func anyAttribute(_ key: String, _ match: (AttributeValue) -> Bool) -> Bool {
        for chunk in chunks {
            if let value = chunk.resource.attributes[key: key], match(value) { return true }
            for span in chunk.spans {
                if let value = span.attributes[key: key], match(value) { return true }
            }
        }
        return false
    }

    /// True when some span satisfies `match`.
    func anySpan(_ match: (Span) -> Bool) -> Bool {
        for chunk in chunks where chunk.spans.contains(where: match) { return true }
        return false
    }
}
