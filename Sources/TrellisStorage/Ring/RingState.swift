import TrellisModel

/// The ring's contents: traces by ID, their arrival order for eviction, and search indexes by
/// service and by service + operation. A value type of copy-on-write collections, so a reader
/// copies it in O(1) under the lock and searches the copy without holding the lock.
///
/// The search indexes only grow between compactions: an evicted trace's references stay until
/// more than half of them are stale, and readers skip a reference whose trace is gone (or was
/// stored again since, with a new sequence number). Eviction then costs a few counter updates
/// instead of a removal from each index set.
struct RingState: Sendable {
    /// One trace's slices (their encoded spans, without their summaries) and index summaries.
    struct Entry: Sendable {
        /// Tells this storing of the trace from an earlier one that was evicted.
        var sequence: UInt64
        var slices: [SliceContent] = []
        var bytes = 0
        var groups: [SpanGroupKey: SpanGroupSummary] = [:]
        var minStart: UInt64 = .max
        var maxStart: UInt64 = 0
        /// The earliest start of a root span held, if one is.
        var rootStart: UInt64?
        /// The distinct values of the ring's indexed attribute keys, of the spans and their resources.
        var attributes: [IndexedAttribute] = []

        /// Whether the ring holds every stored span of this trace: it holds the trace's root,
        /// which and every span held started at or after `watermark`. Spans of a trace start
        /// after its root (clock skew aside), so no span of it was stored before the ring
        /// began or lost with an evicted trace.
        func isWhole(after watermark: UInt64) -> Bool {
            guard let rootStart else { return false }
            return rootStart >= watermark && minStart >= watermark
        }

        /// The services of the trace's spans.
        var services: Set<String> { Set(groups.keys.map(\.service)) }
    }

    /// A search index's reference to a stored trace.
    struct TraceRef: Sendable {
        var id: TraceID
        var sequence: UInt64
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
    private(set) var byService: [String: [TraceRef]] = [:]
    private(set) var byOperation: [ServiceOperation: [TraceRef]] = [:]
    /// How many stored traces have spans of each service: the live service list.
    private(set) var serviceCounts: [String: Int] = [:]
    /// How many stored traces have spans of each (service, operation, kind): the live operation list.
    private(set) var operationCounts: [SpanGroupKey: Int] = [:]
    private(set) var evictedTraces = 0
    private var nextSequence: UInt64 = 0
    /// References in the indexes, and how many of them point to evicted traces.
    private var references = 0
    private var staleReferences = 0

    init(maxBytes: Int, watermark: UInt64) {
        self.maxBytes = maxBytes
        self.watermark = watermark
    }

    var traceCount: Int { traces.count }

    /// The live references of an index entry.
    func live(_ refs: [TraceRef]) -> [TraceID] {
        refs.compactMap { ref in traces[ref.id]?.sequence == ref.sequence ? ref.id : nil }
    }

    /// Adds a piece, then evicts the oldest traces until the ring fits its budget.
    mutating func insert(_ piece: TracePiece) {
        let id = piece.traceID
        if traces[id] == nil {
            traces[id] = Entry(sequence: nextSequence)
            nextSequence += 1
            order.append(id)
        }
        let bytes = piece.footprintBytes
        usedBytes += bytes
        var newKeys: [SpanGroupKey] = []
        var ref = TraceRef(id: id, sequence: 0)
        Self.update(&traces[id]!) { entry in
            ref.sequence = entry.sequence
            entry.slices += piece.slices.map(\.content)
            entry.bytes += bytes
            entry.minStart = min(entry.minStart, piece.minStart)
            entry.maxStart = max(entry.maxStart, piece.maxStart)
            if let root = piece.rootStart { entry.rootStart = min(entry.rootStart ?? .max, root) }
            for attribute in piece.attributes where !entry.attributes.contains(attribute) { entry.attributes.append(attribute) }
            for (key, summary) in piece.groups {
                if entry.groups[key] == nil {
                    newKeys.append(key)
                    entry.groups[key] = summary
                } else {
                    entry.groups[key]!.merge(summary)
                }
            }
        }
        if !newKeys.isEmpty {
            // Index the services and operations this piece brought to the trace.
            let earlier = traces[id]!.groups.keys.filter { !newKeys.contains($0) }
            let services = Set(newKeys.map(\.service)).subtracting(earlier.map(\.service))
            let operations = Set(newKeys.map { ServiceOperation(service: $0.service, operation: $0.operation) })
                .subtracting(earlier.map { ServiceOperation(service: $0.service, operation: $0.operation) })
            for key in newKeys { operationCounts[key, default: 0] += 1 }
            for service in services {
                serviceCounts[service, default: 0] += 1
                byService[service, default: []].append(ref)
            }
            for operation in operations { byOperation[operation, default: []].append(ref) }
            references += services.count + operations.count
        }
        evict(downTo: maxBytes)
    }

    /// Changes a value in place (one dictionary lookup for many changes).
    private static func update(_ entry: inout Entry, _ change: (inout Entry) -> Void) { change(&entry) }

    /// Evicts the oldest traces until at most `bytes` are held.
    mutating func evict(downTo bytes: Int) {
        while usedBytes > bytes, orderHead < order.count {
            evictOldest()
        }
        if staleReferences > 4096 && staleReferences * 2 > references { compactIndexes() }
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
        var operations = Set<ServiceOperation>()
        for key in entry.groups.keys {
            if operationCounts[key] == 1 { operationCounts[key] = nil } else { operationCounts[key]! -= 1 }
            operations.insert(ServiceOperation(service: key.service, operation: key.operation))
        }
        let services = entry.services
        for service in services {
            if serviceCounts[service] == 1 { serviceCounts[service] = nil } else { serviceCounts[service]! -= 1 }
        }
        staleReferences += services.count + operations.count
    }

    /// Drops the references to evicted traces (and index entries left empty).
    private mutating func compactIndexes() {
        let traces = self.traces
        func keepLive(_ refs: inout [TraceRef]) {
            refs.removeAll { traces[$0.id]?.sequence != $0.sequence }
        }
        for key in Array(byService.keys) {
            var refs = byService.removeValue(forKey: key)!
            keepLive(&refs)
            if !refs.isEmpty { byService[key] = refs }
        }
        for key in Array(byOperation.keys) {
            var refs = byOperation.removeValue(forKey: key)!
            keepLive(&refs)
            if !refs.isEmpty { byOperation[key] = refs }
        }
        references = byService.values.reduce(0) { $0 + $1.count } + byOperation.values.reduce(0) { $0 + $1.count }
        staleReferences = 0
    }
}
