import Synchronization
import TrellisCodec
import TrellisModel

/// The store the collector writes to and the query API reads from: the in-memory ring of
/// recent traces in front of the archive (SQLite or ClickHouse, see `TraceArchive`).
///
/// Writes go to both: a write's slices are joined by trace (`TracePiece`), encoded once if no
/// stage before did, and the ring keeps the same bytes the archive compresses. The ring is authoritative for recent
/// data: every stored span that started after its watermark is in it, so a trace it holds whole
/// and a search of that window are answered by the ring alone. Other reads ask the ring, then the
/// archive, and merge: a trace with spans in both comes back whole (the union of its spans by
/// span ID), searches rank the union of both result lists without duplicates, and the service
/// and operation lists are the union of both.
public final class CombinedStore: TraceWriter, TraceReader, SpanMetricsReader {
    public let ring: RingStore
    public let archive: any TraceArchive
    private let pairing: Mutex<DependencyPairing>
    private let clock: @Sendable () -> Duration

    /// - Parameters:
    ///   - ring: its `indexedAttributeKeys` must be among the archive's.
    ///   - dependencyWait: how long one side of a call waits for the other in a later write (see
    ///     `DependencyPairing`); zero pairs only within a write.
    ///   - maxWaitingSpans: the most spans waiting for the other side of their call.
    ///   - clock: the time those waits are measured on (tests pass one they move by hand).
    public init(
        ring: RingStore, archive: any TraceArchive, dependencyWait: Duration = .seconds(10), maxWaitingSpans: Int = 100_000,
        clock: @escaping @Sendable () -> Duration = CombinedStore.monotonicClock()
    ) {
        precondition(ring.indexedAttributeKeys.isSubset(of: archive.indexedAttributeKeys),
                     "the ring's indexed attribute keys must be among the archive's: its pieces carry the archive's")
        self.ring = ring
        self.archive = archive
        pairing = Mutex(DependencyPairing(wait: dependencyWait, maxWaiting: maxWaitingSpans, bucketNanos: DependencyBuckets.bucketNanos))
        self.clock = clock
    }

    /// Time since this call, on the continuous clock.
    public static func monotonicClock() -> @Sendable () -> Duration {
        let start = ContinuousClock.now
        return { start.duration(to: .now) }
    }

    /// Spans whose call partner never arrived within the wait (see `DependencyPairing.unpairedSpans`).
    public var unpairedSpans: Int { pairing.withLock { $0.unpairedSpans } }

    public func write(_ batch: TraceBatch) async throws {
        try commit(prepare(TraceSlice.slices(of: batch, indexedKeys: IndexedKeys(archive.indexedAttributeKeys))))
    }

    /// One write made ready: split by trace and encoded once, its dependency summaries taken
    /// (the two sides of a call are paired across writes by `DependencyPairing`, so a write is
    /// prepared once however often its commit is retried).
    public struct PreparedWrite: Sendable {
        fileprivate var pieces: [TracePiece]
        fileprivate var dependencies: [UInt64: DependencySummary]
    }

    /// The slices' summaries carry the indexed attribute values the archive's rows are made of:
    /// make them with this store's `archive.indexedAttributeKeys`.
    public func prepare(_ slices: [TraceSlice]) -> PreparedWrite {
        let pieces = TracePiece.pieces(of: slices)
        let now = clock()
        return PreparedWrite(pieces: pieces, dependencies: pairing.withLock { $0.add(slices, now: now) })
    }

    /// Commits a prepared write to the archive (one transaction), then adds it to the ring, so
    /// a commit that failed and is retried is not held twice by the ring. Dependencies are
    /// aggregated by the archive only: it holds every span the ring holds.
    public func commit(_ write: PreparedWrite) throws(StorageError) {
        try archive.write(pieces: write.pieces, dependencies: write.dependencies)
        ring.write(pieces: write.pieces, dependencies: [:])
    }

    /// The dependency summaries that the waits over now add (with `all`, at shutdown, every
    /// wait ends), as a write to commit.
    public func endDependencyWaits(all: Bool = false) -> PreparedWrite {
        let now = clock()
        return PreparedWrite(pieces: [], dependencies: pairing.withLock { all ? $0.endWaits() : $0.add([], now: now) })
    }

    /// A trace the ring holds whole (its root and every span started after the ring's watermark)
    /// is answered by the ring alone; any other is the union of the ring's and the archive's spans.
    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        if let whole = try ring.wholeTrace(id) { return whole }
        let recent = try await ring.trace(id)
        let archived = try await archive.trace(id)
        return TraceAssembly.merge([recent, archived].compactMap { $0 })
    }

    /// The ring alone answers a search whose time range begins after its watermark (every stored
    /// span that could match is there), and one whose results it fills with traces whose latest
    /// matching span started after the watermark: a trace only the archive holds has no matching
    /// span that recent, so it could not rank among them. Otherwise both tiers are searched and a
    /// trace found by both keeps its better rank (its latest matching span is in one of them) and
    /// the union of its spans. A trace the ring holds only part of is completed from the archive.
    public func findTraces(_ query: TraceQuery) async throws -> [FoundTrace] {
        let recent = try await ring.findTraces(query)
        let watermark = ring.watermark
        let ringAlone = query.start.map { $0 > watermark } ?? false
            || (recent.count >= query.limit && recent.allSatisfy { $0.latestMatchStart > watermark })
        var found: [FoundTrace]
        if ringAlone {
            found = recent
        } else {
            var byID: [TraceID: FoundTrace] = [:]
            for trace in try await archive.findTraces(query) + recent {
                guard let other = byID[trace.traceID] else {
                    byID[trace.traceID] = trace
                    continue
                }
                byID[trace.traceID] = FoundTrace(
                    traceID: trace.traceID, latestMatchStart: max(trace.latestMatchStart, other.latestMatchStart),
                    trace: TraceAssembly.merge([other.trace, trace.trace]) ?? other.trace, isWhole: true)
            }
            found = Array(byID.values.sorted { TraceHit.ranksBefore($0.hit, $1.hit) }.prefix(query.limit))
        }
        for index in found.indices where !found[index].isWhole {
            let archived = try await archive.trace(found[index].traceID)
            found[index].trace = TraceAssembly.merge([found[index].trace] + [archived].compactMap { $0 }) ?? found[index].trace
            found[index].isWhole = true
        }
        return found
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

    /// The archive's: span metrics are kept there only.
    public func spanMetrics(service: String, from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [SpanMetricsKey: SpanMetricsCounts] {
        try await archive.spanMetrics(service: service, from: startUnixNano, to: endUnixNano)
    }

    public func spanMetricsServices(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [String] {
        try await archive.spanMetricsServices(from: startUnixNano, to: endUnixNano)
    }
}
