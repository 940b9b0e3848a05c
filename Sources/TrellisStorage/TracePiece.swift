import TrellisCodec
import TrellisModel

/// The spans one write brought for one trace: the store's one representation of stored spans.
///
/// A write is split by trace once, and each span is encoded once, as OTLP protobuf, into runs
/// of spans under a shared resource and scope (`EncodedSpanRun`). The ring keeps those runs,
/// and the archive's chunks are the same runs put together, so nothing is packed or encoded
/// twice. Beside the spans, a piece carries what indexes are built from, computed while
/// splitting: the per-(service, operation, kind) summaries, the time bounds, the root's start,
/// and the values of the archive's indexed attribute keys.
struct TracePiece: Sendable {
    /// An indexed attribute's key and value, as the archive's attribute rows hold them.
    struct IndexedAttribute: Hashable, Sendable {
        var key: String
        var value: AttributeFilter.Value
    }

    var traceID: TraceID
    /// The spans, encoded, by resource and scope in the order they came.
    var runs: [EncodedSpanRun] = []
    var groups: [SpanGroupKey: SpanGroupSummary]
    /// The distinct values of the indexed attribute keys, of the spans and their resources.
    var attributes: [IndexedAttribute] = []
    var spanCount: Int
    var minStart: UInt64
    var maxStart: UInt64
    /// The earliest start of a root span in the piece, if it has one.
    var rootStart: UInt64?
    /// This piece's share of the resource and scope attributes its write's pieces share.
    private(set) var sharedBytes = 0

    /// Heap bytes the piece holds in the ring: the encoded spans, the runs and summaries
    /// around them, and an equal share of the write's resources (shared copy-on-write storage).
    var footprintBytes: Int {
        runs.reduce(sharedBytes + 32 + MemoryLayout<TracePiece>.stride) { $0 + $1.spans.count + 32 + MemoryLayout<EncodedSpanRun>.stride }
            + groups.count * (MemoryLayout<SpanGroupKey>.stride + MemoryLayout<SpanGroupSummary>.stride)
    }

    /// Splits the batches of one write by trace, encoding each span once: one piece per trace,
    /// in the order traces first appear, spans kept in order under their resource and scope.
    /// `indexedKeys` are the attribute keys whose values the pieces collect.
    static func pieces(of batches: [TraceBatch], indexedKeys: Set<String>) -> [TracePiece] {
        let encoder = OTLPProtobufEncoder()
        let keys = IndexedKeys(indexedKeys)
        var pieces: [TracePiece] = []
        var index: [TraceID: Int] = [:]
        // Where each piece's last span came from, so consecutive spans share a run.
        var lastSource: [(batch: Int, resource: Int, scope: Int)] = []
        var sharedBytes = 0
        for (b, batch) in batches.enumerated() {
            for (r, rs) in batch.resourceSpans.enumerated() {
                let service = rs.resource.serviceName
                sharedBytes += rs.resource.footprintBytes
                for (s, ss) in rs.scopeSpans.enumerated() {
                    sharedBytes += ss.scope.attributes.footprintBytes + ss.scope.name.footprintBytes + ss.scope.version.footprintBytes
                    for span in ss.spans {
                        let p: Int
                        if let existing = index[span.traceID] {
                            p = existing
                        } else {
                            p = pieces.count
                            index[span.traceID] = p
                            pieces.append(TracePiece(traceID: span.traceID))
                            lastSource.append((-1, -1, -1))
                        }
                        let source = lastSource[p]
                        if source != (b, r, s) {
                            pieces[p].runs.append(EncodedSpanRun(resource: rs.resource, resourceSchemaURL: rs.schemaURL, scope: ss.scope, scopeSchemaURL: ss.schemaURL))
                            if source.batch != b || source.resource != r { keys.collect(rs.resource.attributes, into: &pieces[p].attributes) }
                            lastSource[p] = (b, r, s)
                        }
                        let run = pieces[p].runs.count - 1
                        encoder.append(span, to: &pieces[p].runs[run].spans)
                        pieces[p].runs[run].spanCount += 1
                        pieces[p].add(span, service: service, keys: keys)
                    }
                }
            }
        }
        if !pieces.isEmpty {
            let share = sharedBytes / pieces.count
            for p in pieces.indices { pieces[p].sharedBytes = share }
        }
        return pieces
    }

    /// The spans of pieces' runs (of one trace or several) as model values.
    static func decode(_ runs: [EncodedSpanRun], with decoder: OTLPProtobufDecoder) throws(StorageError) -> TraceBatch {
        do {
            return try decoder.decode(OTLPProtobufEncoder().encode(runs: runs)).batch
        } catch {
            throw .undecodableBlock(detail: "stored spans do not decode: \(error)")
        }
    }

    private init(traceID: TraceID) {
        self.traceID = traceID
        groups = [:]
        spanCount = 0
        minStart = .max
        maxStart = 0
    }

    private mutating func add(_ span: Span, service: String, keys: IndexedKeys) {
        keys.collect(span.attributes, into: &attributes)
        spanCount += 1
        minStart = min(minStart, span.startTimeUnixNano)
        maxStart = max(maxStart, span.startTimeUnixNano)
        if span.isRoot { rootStart = min(rootStart ?? .max, span.startTimeUnixNano) }
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
