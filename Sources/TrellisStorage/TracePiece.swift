import TrellisModel

/// The spans one write brought for one trace, kept under their resources and scopes, with the
/// per-(service, operation, kind) summaries that search indexes are built from.
struct TracePiece: Sendable {
    var traceID: TraceID
    var batch: TraceBatch
    var groups: [SpanGroupKey: SpanGroupSummary]
    var spanCount: Int
    var minStart: UInt64
    var maxStart: UInt64

    /// Splits a batch by trace, keeping each trace's spans in batch order and under their
    /// resource and scope. Pieces come out in the order their traces first appear.
    static func split(_ batch: TraceBatch) -> [TracePiece] {
        var pieces: [TracePiece] = []
        var index: [TraceID: Int] = [:]
        // Where each piece's last span came from, so consecutive spans share a scope entry.
        var lastSource: [(resource: Int, scope: Int)] = []
        for (r, rs) in batch.resourceSpans.enumerated() {
            let service = rs.resource.serviceName
            for (s, ss) in rs.scopeSpans.enumerated() {
                for span in ss.spans {
                    let p: Int
                    if let existing = index[span.traceID] {
                        p = existing
                    } else {
                        p = pieces.count
                        index[span.traceID] = p
                        pieces.append(TracePiece(traceID: span.traceID))
                        lastSource.append((-1, -1))
                    }
                    let source = lastSource[p]
                    if source.resource == r && source.scope == s {
                        let last = pieces[p].batch.resourceSpans.count - 1
                        let lastScope = pieces[p].batch.resourceSpans[last].scopeSpans.count - 1
                        pieces[p].batch.resourceSpans[last].scopeSpans[lastScope].spans.append(span)
                    } else if source.resource == r {
                        let last = pieces[p].batch.resourceSpans.count - 1
                        pieces[p].batch.resourceSpans[last].scopeSpans.append(ScopeSpans(scope: ss.scope, spans: [span], schemaURL: ss.schemaURL))
                    } else {
                        pieces[p].batch.resourceSpans.append(ResourceSpans(
                            resource: rs.resource,
                            scopeSpans: [ScopeSpans(scope: ss.scope, spans: [span], schemaURL: ss.schemaURL)],
                            schemaURL: rs.schemaURL))
                    }
                    lastSource[p] = (r, s)
                    pieces[p].add(span, service: service)
                }
            }
        }
        return pieces
    }

    private init(traceID: TraceID) {
        self.traceID = traceID
        batch = TraceBatch()
        groups = [:]
        spanCount = 0
        minStart = .max
        maxStart = 0
    }

    private mutating func add(_ span: Span, service: String) {
        spanCount += 1
        minStart = min(minStart, span.startTimeUnixNano)
        maxStart = max(maxStart, span.startTimeUnixNano)
        groups[SpanGroupKey(service: service, operation: span.name, kind: span.kind), default: SpanGroupSummary()].add(span)
    }
}

/// Spans of one service with one name and kind.
struct SpanGroupKey: Hashable, Sendable {
    var service: String
    var operation: String
    var kind: SpanKind
}

/// Bounds over a group of spans, precise enough to rule a trace out of a search without reading its spans.
struct SpanGroupSummary: Hashable, Sendable {
    var minStart: UInt64 = .max
    var maxStart: UInt64 = 0
    var minDuration: UInt64 = .max
    var maxDuration: UInt64 = 0
    var hasError = false
    var spanCount = 0

    mutating func add(_ span: Span) {
        let duration = span.durationNanos
        minStart = min(minStart, span.startTimeUnixNano)
        maxStart = max(maxStart, span.startTimeUnixNano)
        minDuration = min(minDuration, duration)
        maxDuration = max(maxDuration, duration)
        hasError = hasError || span.status.code == .error
        spanCount += 1
    }

    mutating func merge(_ other: SpanGroupSummary) {
        minStart = min(minStart, other.minStart)
        maxStart = max(maxStart, other.maxStart)
        minDuration = min(minDuration, other.minDuration)
        maxDuration = max(maxDuration, other.maxDuration)
        hasError = hasError || other.hasError
        spanCount += other.spanCount
    }
}
