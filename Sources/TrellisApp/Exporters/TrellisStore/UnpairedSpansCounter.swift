import CoreMetrics
import Synchronization
import TrellisStorage

/// `trellis_store_dependency_unpaired_spans_total`: spans whose call partner (a CLIENT span's
/// callee, a SERVER span's caller) never reached the store within the pairing wait, so no
/// dependency edge could be drawn for them. Follows the store's count after each write.
final class UnpairedSpansCounter: Sendable {
    private let store: CombinedStore
    private let counter: Counter
    private let counted = Mutex(0)

    init(store: CombinedStore, counter: Counter) {
        self.store = store
        self.counter = counter
    }

    func update() {
        let total = store.unpairedSpans
        let delta = counted.withLock { counted in
            defer { counted = max(counted, total) }
            return total - counted
        }
        if delta > 0 { counter.increment(by: delta) }
    }
}
