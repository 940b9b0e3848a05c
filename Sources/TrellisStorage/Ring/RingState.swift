import TrellisModel

/// The ring's contents: traces by ID, their arrival order for eviction, and search indexes by
/// service and by service + operation. A value type of copy-on-write collections, so a reader
/// copies it in O(1) under the lock and searches the copy without holding the lock.
struct RingState: Sendable {
    /// One trace's pieces (packed: about their wire size in memory) and summaries.
    struct Entry: Sendable {
        var pieces: [PackedBatch]
        var bytes: Int
        var groups: [SpanGroupKey: SpanGroupSummary]
    }

    struct ServiceOperation: Hashable, Sendable {
        var service: String
        var operation: String
    }

    let maxBytes: Int
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

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    var traceCount: Int { traces.count }

    /// Adds a piece (packed, with its footprint, outside the lock), then evicts the oldest
    /// traces until the ring fits its budget.
    mutating func insert(_ piece: TracePiece, packed: PackedBatch, bytes: Int) {
        if traces[piece.traceID] == nil {
            traces[piece.traceID] = Entry(pieces: [], bytes: 0, groups: [:])
            order.append(piece.traceID)
        }
        let id = piece.traceID
        traces[id]!.pieces.append(packed)
        traces[id]!.bytes += bytes
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
