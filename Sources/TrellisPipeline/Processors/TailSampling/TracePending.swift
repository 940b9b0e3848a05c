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

/// A trace waiting for its sampling decision: its spans and the facts policies ask about.
struct PendingTrace {
    let traceID: TraceID
    /// Distinguishes this buffering of the trace from an earlier one with the same ID
    /// (after a decision was forgotten), so stale queue entries are recognised.
    let sequence: UInt64
    /// When the first span arrived (processor clock, time since the processor started).
    let firstArrival: Duration
    /// When a root span arrived, if one did.
    var rootArrival: Duration?
    var chunks: [SpanChunk] = []
    var spanCount = 0
    /// Sum of the buffered spans' `footprintBytes`, as added to the memory accountant.
    var footprintBytes = 0
    var earliestStartNanos = UInt64.max
    var latestEndNanos: UInt64 = 0

    init(traceID: TraceID, sequence: UInt64, firstArrival: Duration) {
        self.traceID = traceID
        self.sequence = sequence
        self.firstArrival = firstArrival
    }

    /// Adds spans that share a resource and scope; returns their footprint in bytes.
    mutating func add(_ chunk: SpanChunk) -> Int {
        var bytes = 0
        for span in chunk.spans {
            bytes += span.footprintBytes
            earliestStartNanos = min(earliestStartNanos, span.startTimeUnixNano)
            latestEndNanos = max(latestEndNanos, span.endTimeUnixNano)
        }
        spanCount += chunk.spans.count
        footprintBytes += bytes
        chunks.append(chunk)
        return bytes
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

/// A first-in, first-out queue over an array, compacted as its head advances.
struct FIFO<Element> {
    private var items: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var first: Element? { head < items.count ? items[head] : nil }

    mutating func append(_ item: Element) { items.append(item) }

    @discardableResult
    mutating func removeFirst() -> Element {
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}

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
