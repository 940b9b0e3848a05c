import TrellisModel

/// Remembers up to `capacity` trace IDs, forgetting the oldest first, so spans arriving after
/// their trace was decided follow that decision.
struct DecisionCache {
    let capacity: Int
    /// Trace ID → the insertion number of its live ring entry.
    private var members: [TraceID: UInt64] = [:]
    private var ring: [(id: TraceID, insertion: UInt64)] = []
    private var nextSlot = 0
    private var insertions: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { members.count }

    func contains(_ id: TraceID) -> Bool { members[id] != nil }

    mutating func insert(_ id: TraceID) {
        guard capacity > 0 else { return }
        insertions += 1
        members[id] = insertions
        let entry = (id: id, insertion: insertions)
        if ring.count < capacity {
            ring.append(entry)
            return
        }
        let evicted = ring[nextSlot]
        // Forget the evicted ID only if this ring entry is still its newest insertion.
        if members[evicted.id] == evicted.insertion { members[evicted.id] = nil }
        ring[nextSlot] = entry
        nextSlot = (nextSlot + 1) % capacity
    }

    mutating func remove(_ id: TraceID) {
        members[id] = nil
    }
}
