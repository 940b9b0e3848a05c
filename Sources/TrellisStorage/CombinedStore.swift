import TrellisModel

/// The store the collector writes to and the query API reads from: the in-memory ring of
/// recent traces in front of the SQLite archive.
///
/// Writes go to both (the batch is split by trace once). Reads ask the ring first, then the
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

    /// Dependencies are aggregated by the archive only: it holds every span the ring holds.
    public func write(_ batch: TraceBatch) async throws {
        ring.write(pieces: TracePiece.split(batch), dependencies: [:])
        try archive.write(batch: batch)
    }

    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        let recent = try await ring.trace(id)
        let archived = try await archive.trace(id)
        return TraceAssembly.merge([recent, archived].compactMap { $0 })
    }

    public func findTraceIDs(_ query: TraceQuery) async throws -> [TraceID] {
        let recent = try ring.findHits(query)
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
