import TrellisModel

/// A trace found by a search, with the start time of its latest matching span (the sort key).
package struct TraceHit: Hashable, Sendable {
    package var traceID: TraceID
    package var latestStart: UInt64

    package init(traceID: TraceID, latestStart: UInt64) {
        self.traceID = traceID
        self.latestStart = latestStart
    }

    /// Newest first; ties broken by trace ID so every store orders the same way.
    static func ranksBefore(_ a: TraceHit, _ b: TraceHit) -> Bool {
        a.latestStart != b.latestStart ? a.latestStart > b.latestStart : a.traceID > b.traceID
    }
}

/// Keeps the `limit` best hits seen so far (a binary heap with the worst kept hit on top).
package struct TopHits {
    let limit: Int
    private var heap: [TraceHit] = []

    package init(limit: Int) {
        self.limit = limit
        heap.reserveCapacity(min(limit, 1024))
    }

    var isFull: Bool { heap.count >= limit }

    /// The worst hit kept, once full.
    var worst: TraceHit? { isFull ? heap.first : nil }

    /// True when a hit whose key is at most `bound` could still enter.
    package func couldAdmit(bound: UInt64) -> Bool {
        guard let worst else { return true }
        return bound >= worst.latestStart
    }

    package mutating func offer(_ hit: TraceHit) {
        if heap.count < limit {
            heap.append(hit)
            siftUp(heap.count - 1)
        } else if let worst = heap.first, TraceHit.ranksBefore(hit, worst) {
            heap[0] = hit
            siftDown(0)
        }
    }

    /// The kept hits, best first.
    package func sorted() -> [TraceHit] { heap.sorted(by: TraceHit.ranksBefore) }

    // The heap's top is the hit that ranks last.
    private func above(_ a: Int, _ b: Int) -> Bool { TraceHit.ranksBefore(heap[b], heap[a]) }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard above(i, parent) else { return }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var top = i
            if l < heap.count && above(l, top) { top = l }
            if r < heap.count && above(r, top) { top = r }
            if top == i { return }
            heap.swapAt(i, top)
            i = top
        }
    }
}
