import TrellisModel

/// The ring's contents: traces by ID, their arrival order for eviction, and search indexes by
/// service and by service + operation. A value type of copy-on-write collections, so a reader
/// copies it in O(1) under the lock and searches the copy without holding the lock.
struct RingState: Sendable {
    /// One trace's slices (spans encoded) and summaries.
    struct Entry: Sendable {
        var slices: [TraceSlice]
        var bytes: Int
        var groups: [SpanGroupKey: SpanGroupSummary]
        var minStart: UInt64 = .max
        var maxStart: UInt64 = 0
        /// The earliest start of a root span held, if one is.
        var rootStart: UInt64?

        /// Whether the ring holds every stored span of this trace: it holds the trace's root,
        /// which and every span held started at or after `watermark`. Spans of a trace start
        /// after its root (clock skew aside), so no span of it was stored before the ring
        /// began or lost with an evicted trace.
        func isWhole(after watermark: UInt64) -> Bool {
            guard let rootStart else { return false }
            return rootStart >= watermark && minStart >= watermark
        }
    }

    struct ServiceOperation: Hashable, Sendable {
        var service: String
        var operation: String
    }

    let maxBytes: Int
    /// Every span stored before the ring began or evicted from it started before this (Unix
    /// nanoseconds): when the ring was made, then raised to the latest span start of each
    /// evicted trace. A span that started after it is in the ring.
    private(set) var watermark: UInt64
    private(set) var usedBytes = 0
    private(set) var traces: [TraceID: Entry] = [:]
    /// Trace IDs by first arrival; `orderHead` is the oldest still stored.
    private var order: [TraceID] = []
    private var orderHead = 0
    private(set) var byService: [String: Set<TraceID>] = [:]
    private(set) var byOperation: [ServiceOperation: Set<TraceID>] = [:]
    /// How many stored traces have spans of each (service, operation, kind): the live operation list.
    private(set) var operationCounts: [SpanGroupKey: Int] = [:]
    private(set) var evictedTraces = 0

    init(maxBytes: Int, watermark: UInt64) {
        self.maxBytes = maxBytes
        self.watermark = watermark
    }

    var traceCount: Int { traces.count }

    /// Adds a piece, then evicts the oldest traces until the ring fits its budget.
    mutating func insert(_ piece: TracePiece) {
        let bytes = piece.footprintBytes
        if traces[piece.traceID] == nil {
            traces[piece.traceID] = Entry(slices: [], bytes: 0, groups: [:])
            order.append(piece.traceID)
        }
        let id = piece.traceID
        traces[id]!.slices += piece.slices
        traces[id]!.bytes += bytes
        traces[id]!.minStart = min(traces[id]!.minStart, piece.minStart)
        traces[id]!.maxStart = max(traces[id]!.maxStart, piece.maxStart)
        if let root = piece.rootStart { traces[id]!.rootStart = min(traces[id]!.rootStart ?? .max, root) }
        usedBytes += bytes
        for (key, summary) in piece.groups {
            if let existing = traces[id]!.groups[key] {
                var merged = existing
                merged.merge(summary)
                traces[id]!.groups[key] = merged
            } else {
                traces[id]!.groups[key] = summary
                operationCounts[key, default: 0] += 1
                byService[key.service, default: []].insert(id)
                byOperation[ServiceOperation(service: key.service, operation: key.operation), default: []].insert(id)
            }
        }
        evict(downTo: maxBytes)
    }

    /// Evicts the oldest traces until at most `bytes` are held.
    mutating func evict(downTo bytes: Int) {
        while usedBytes > bytes, orderHead < order.count {
            evictOldest()
        }
    }

    private mutating func evictOldest() {
        let id = order[orderHead]
        orderHead += 1
        if orderHead > 1024 && orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
        guard let entry = traces.removeValue(forKey: id) else { return }
        usedBytes -= entry.bytes
        evictedTraces += 1
        watermark = max(watermark, entry.maxStart)
        for key in entry.groups.keys {
            if operationCounts[key] == 1 { operationCounts[key] = nil } else { operationCounts[key]! -= 1 }
            Self.remove(id, from: &byService, key.service)
            Self.remove(id, from: &byOperation, ServiceOperation(service: key.service, operation: key.operation))
        }
    }

    /// Static, and taking the set out of the index while changing it, so the set is uniquely
    /// referenced and changed in place: an instance method called from a mutating one made the
    /// compiler copy the state, and every removal copied the whole set.
    private static func remove<K: Hashable>(_ id: TraceID, from index: inout [K: Set<TraceID>], _ key: K) {
        guard var ids = index.removeValue(forKey: key) else { return }
        ids.remove(id)
        if !ids.isEmpty { index[key] = ids }
    }
}
