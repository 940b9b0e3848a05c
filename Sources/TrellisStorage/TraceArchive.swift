import TrellisModel

/// The durable tier behind the ring (`CombinedStore`): the SQLite file (`SQLiteArchive`) or a
/// ClickHouse database (`ClickHouseArchive`). It holds every span written to it until retention
/// removes it, the per-minute dependency aggregates, and the spanmetrics connector's minutes.
///
/// Contract:
/// - `write(pieces:dependencies:)` and `writeSpanMetrics(_:)` block the calling thread (the
///   store's writer thread) until the archive has the data durably (SQLite: committed; ClickHouse:
///   the insert acknowledged, on every shard it went to); when they throw, nothing of the write
///   may be counted as stored, and the caller retries the same write. A retried write may be
///   stored twice; readers return each span ID once.
/// - Readers see a write once it returned.
/// - Retention (`applyRetention`) runs on the writer thread between writes.
public protocol TraceArchive: TraceWriter, TraceReader, SpanMetricsReader {
    /// Attribute keys (of spans or resources) whose values are indexed for search; filters on
    /// other keys are applied to the candidate traces' spans.
    var indexedAttributeKeys: Set<String> { get }

    /// Stores one write's pieces (one per trace, made with this archive's `indexedAttributeKeys`)
    /// and its dependency summaries, keyed by the start of their minute (Unix nanoseconds).
    func write(pieces: [TracePiece], dependencies: [UInt64: DependencySummary]) throws(StorageError)

    /// Adds a spanmetrics connector flush to the kept minutes.
    func writeSpanMetrics(_ minutes: [SpanMetricsKey: SpanMetricsCounts]) throws(StorageError)

    /// Deletes what started before `cutoff` (Unix nanoseconds) and, where the archive measures
    /// its size, the oldest data while it takes more than `maxBytes`. Returns what was deleted
    /// (in the archive's units: SQLite blocks, ClickHouse day partitions) and the bytes it holds now.
    func applyRetention(olderThan cutoff: UInt64, maxBytes: Int) throws(StorageError) -> (deleted: Int, storedBytes: Int)

    /// Why the archive can no longer keep what is written, or nil while it can (`/readyz` reports it).
    var problem: String? { get }

    /// Releases the archive's connections; later calls fail with `StorageError.closed`.
    func close()
}

extension TraceArchive {
    /// A batch written on its own: split into pieces with this archive's indexed keys, its
    /// dependencies taken within the batch (nothing waits for a later write).
    public func write(_ batch: TraceBatch) async throws {
        try write(pieces: TracePiece.pieces(of: batch, indexedKeys: indexedAttributeKeys), dependencies: DependencyBuckets.of(batch))
    }
}
