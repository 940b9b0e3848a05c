import TrellisCodec
import TrellisModel

/// The slices one write brought for one trace, with their spans encoded: the ring keeps them
/// as they are, and the archive's chunks are runs of them put together, so nothing is split,
/// packed or encoded again (slices that no stage encoded are encoded here, once). The index
/// figures — per-(service, operation, kind) bounds, time bounds, the root's start, indexed
/// attribute values — are merged from the slices' summaries.
public struct TracePiece: Sendable {
    package var traceID: TraceID
    /// The trace's slices, spans encoded, in the order they came.
    package var slices: [TraceSlice] = []
    var groups: [SpanGroupKey: SpanGroupSummary] = [:]
    /// The distinct values of the indexed attribute keys, of the spans and their resources.
    package var attributes: [IndexedAttribute] = []
    package var spanCount = 0
    package var minStart: UInt64 = .max
    package var maxStart: UInt64 = 0
    /// The earliest start of a root span in the piece, if it has one.
    var rootStart: UInt64?
    /// This piece's share of the resources its write's slices share (copy-on-write storage).
    private(set) var sharedBytes = 0

    init(traceID: TraceID) {
        self.traceID = traceID
    }

    /// Heap bytes the piece holds in the ring: its slices, the arrays and summaries around
    /// them, and an equal share of the write's resources.
    var footprintBytes: Int {
        slices.footprintBytes + sharedBytes + 32 + MemoryLayout<TracePiece>.stride
            + groups.count * (MemoryLayout<SpanGroupKey>.stride + MemoryLayout<SpanGroupSummary>.stride)
            + attributes.count * MemoryLayout<IndexedAttribute>.stride
    }

    /// The slices of one write joined by trace: one piece per trace, in the order traces first
    /// appear, slices in order.
    static func pieces(of slices: [TraceSlice]) -> [TracePiece] {
        let encoder = OTLPProtobufEncoder()
        var pieces: [TracePiece] = []
        var index: [TraceID: Int] = [:]
        var sharedBytes = 0
        var previous: Resource?
        for slice in slices {
            if slice.resource != previous {
                sharedBytes += slice.resource.footprintBytes
                previous = slice.resource
            }
            let p: Int
            if let existing = index[slice.traceID] {
                p = existing
            } else {
                p = pieces.count
                index[slice.traceID] = p
                pieces.append(TracePiece(traceID: slice.traceID))
            }
            pieces[p].add(encoder.encoded(slice))
        }
        if !pieces.isEmpty {
            let share = sharedBytes / pieces.count
            for p in pieces.indices { pieces[p].sharedBytes = share }
        }
        return pieces
    }

    /// A batch (as a store's `write(_:)` takes one) split into slices and joined by trace.
    package static func pieces(of batch: TraceBatch, indexedKeys: Set<String>) -> [TracePiece] {
        pieces(of: TraceSlice.slices(of: batch, indexedKeys: IndexedKeys(indexedKeys)))
    }

    private mutating func add(_ slice: TraceSlice) {
        slices.append(slice)
        let summary = slice.summary
        spanCount += summary.spanCount
        minStart = min(minStart, summary.firstStart)
        maxStart = max(maxStart, summary.lastStart)
        if let root = summary.rootStart { rootStart = min(rootStart ?? .max, root) }
        for span in summary.spans {
            groups[SpanGroupKey(service: slice.service, operation: span.name, kind: span.kind), default: SpanGroupSummary()].add(span)
        }
        for attribute in summary.indexedAttributes where !attributes.contains(attribute) { attributes.append(attribute) }
    }
}

/// Spans of one service with one name and kind.
package struct SpanGroupKey: Hashable, Sendable {
    package var service: String
    package var operation: String
    package var kind: SpanKind

    package init(service: String, operation: String, kind: SpanKind) {
        self.service = service
        self.operation = operation
        self.kind = kind
    }
}
