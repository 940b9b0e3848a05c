import CoreMetrics
import Synchronization
import TrellisPipeline
import TrellisStorage

/// Keeps the memory accountant (when there is one) and the `trellis_ring_bytes` gauge in step
/// with the ring's bytes, so the memory limiter's soft limit covers the ring too.
final class RingAccounting: Sendable {
    let ring: RingStore
    private let accountant: MemoryAccountant?
    private let gauge: Gauge
    /// The ring bytes last added to the accountant.
    private let accounted = Mutex(0)

    init(ring: RingStore, accountant: MemoryAccountant?, gauge: Gauge) {
        self.ring = ring
        self.accountant = accountant
        self.gauge = gauge
    }

    /// Moves the accountant by the ring's change since the last call.
    func update() {
        let (used, delta) = accounted.withLock { accounted in
            let used = ring.usedBytes
            defer { accounted = used }
            return (used, used - accounted)
        }
        gauge.record(used)
        guard let accountant else { return }
        if delta > 0 { accountant.add(delta) } else if delta < 0 { accountant.remove(-delta) }
    }

    /// Takes the ring's bytes out of the accountant (the pipeline has stopped).
    func release() {
        let bytes = accounted.withLock { accounted in
            defer { accounted = 0 }
            return accounted
        }
        accountant?.remove(bytes)
    }
}
