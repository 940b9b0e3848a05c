import Synchronization

/// Counts the bytes the pipeline holds (queued batches, spans buffered for tail sampling),
/// exactly: every component adds what it takes in and subtracts what it hands on or drops.
/// The memory limiter reads it to decide admission, and calls the registered reliefs (caches
/// that can give memory back, such as the store's ring) when the process is over its soft limit.
public final class MemoryAccountant: Sendable {
    private let held = Atomic<Int>(0)
    private let reliefs = Mutex<[@Sendable (Int?) -> Void]>([])

    public init() {}

    /// Bytes currently held.
    public var heldBytes: Int { held.load(ordering: .relaxed) }

    public func add(_ bytes: Int) {
        held.wrappingAdd(bytes, ordering: .relaxed)
    }

    public func remove(_ bytes: Int) {
        held.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// Registers a cache that can shed part of what it holds when memory is short: it is
    /// called with the bytes wanted back, or nil for a quarter of what it holds.
    public func addRelief(_ relief: @escaping @Sendable (_ bytes: Int?) -> Void) {
        reliefs.withLock { $0.append(relief) }
    }

    /// Asks every registered cache to shed a quarter of what it holds, or with `bytes`, to
    /// give back that many bytes (the first caches first, until enough is freed).
    public func relieve(bytes: Int? = nil) {
        for relief in reliefs.withLock({ $0 }) {
            let before = heldBytes
            relief(bytes)
            if let bytes, before - heldBytes >= bytes { return }
        }
    }
}
