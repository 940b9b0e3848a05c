import TrellisModel

/// The store the collector writes to and the query API reads from: the in-memory ring of
/// recent traces in front of the SQLite archive.
///
/// Writes go to both: a write is split by trace and encoded once (`TracePiece`), and the
/// ring keeps the same bytes the archive compresses. The ring is authoritative for recent
/// data: every stored span that started after its watermark is in it, so a trace it holds whole
/// and a search of that window are answered by the ring alone. Other reads ask the ring, then the
/// archive, and merge: a trace with spans in both comes back whole (the union of its spans by
/// span ID), searches rank the union of both result lists without duplicates, and the service
/// and operation lists are the union of both.
public final class CombinedStore: TraceWriter, TraceReader {
    public let ring: RingStore
    public let archive: SQLiteArchive

    public init(ring: RingStore, archive: SQLiteArchive) {
        self.ring = ring
        self.archive = archive
    }

    public func write(_ batch: TraceBatch) async throws {
        try write(batches: [batch])
    }

    /// Stores the batches: in the archive, in one transaction, then in the ring (so a write that
    /// failed and is retried is not held twice by the ring). Blocks the calling thread for the
    /// SQLite work: `StoreWriter` calls it from a thread of its own. Dependencies are aggregated
    /// by the archive only: it holds every span the ring holds.
    public func write(batches: [TraceBatch]) throws(StorageError) {
        let pieces = TracePiece.pieces(of: batches, indexedKeys: archive.indexedAttributeKeys)
        var dependencies: [UInt64: DependencySummary] = [:]
        for batch in batches {
            for (bucket, summary) in DependencyBuckets.of(batch) { dependencies[bucket, default: DependencySummary()].merge(summary) }
        }
        try archive.write(pieces: pieces, dependencies: dependencies)
        ring.write(pieces: pieces, dependencies: [:])
    }

    /// A trace the ring holds whole (its root and every span started after the ring's watermark)
    /// is answered by the ring alone; any other is the union of the ring's and the archive's spans.
    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        if let whole = try ring.wholeTrace(id) { return whole }
        let recent = try await ring.trace(id)
        let archived = try await archive.trace(id)
        return TraceAssembly.merge([recent, archived].compactMap { $0 })
    }

    /// A search whose time range begins after the ring's watermark is answered by the ring alone:
    /// every stored span that could match is there.
    public func findTraceIDs(_ query: TraceQuery) async throws -> [TraceID] {
        let recent = try ring.findHits(query)
        if let start = query.start, start > ring.watermark { return recent.map(\.traceID) }
        let archived = try archive.findHits(query)
        // A trace found by both keeps its better rank: its latest matching span is in one of them.
        var best: [TraceID: UInt64] = [:]
        for hit in recent + archived {
            best[hit.traceID] = max(best[hit.traceID] ?? 0, hit.latestStart)
        }
        return best.map { TraceHit(traceID: $0.key, latestStart: $0.value) }
            .sorted(by: TraceHit.ranksBefore)
            .prefix(query.limit)
            .map(\.traceID)
    }

    public func services() async throws -> [String] {
        let recent = try await ring.services()
        let archived = try await archive.services()
        return Set(recent + archived).sorted()
    }

    public func operations(service: String) async throws -> [Operation] {
        let recent = try await ring.operations(service: service)
        let archived = try await archive.operations(service: service)
        return Set(recent + archived).sorted()
    }

    /// From the archive alone, which holds every span the ring holds: nothing is counted twice.
    public func dependencies(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> DependencySummary {
        try await archive.dependencies(from: startUnixNano, to: endUnixNano)
    }
}
