import Synchronization

/// Counts the bytes the pipeline holds (queued batches, spans buffered for tail sampling),
/// exactly: every component adds what it takes in and subtracts what it hands on or drops.
/// The memory limiter reads it to decide admission.
public final class MemoryAccountant: Sendable {
    private let held = Atomic<Int>(0)

    public init() {}

    /// Bytes currently held.
    public var heldBytes: Int { held.load(ordering: .relaxed) }

    public func add(_ bytes: Int) {
        held.wrappingAdd(bytes, ordering: .relaxed)
    }

    public func remove(_ bytes: Int) {
        held.wrappingSubtract(bytes, ordering: .relaxed)
    }
}
