import Synchronization
import TrellisModel

/// The recent traces, in memory, bounded by bytes.
///
/// Every span written joins its trace's entry (a trace's spans may arrive over many batches).
/// The bytes of a trace are the `footprintBytes` of the batches it holds; when the total passes
/// `maxBytes` the traces that arrived first are evicted first. Traces are indexed by ID and by
/// service and service + operation, so searches look only at that service's traces, and skip
/// those whose summaries cannot beat the results found so far.
///
/// Dependency summaries are kept per one-minute bucket of span start times, for the newest
/// `DependencyBuckets.defaultMaxBuckets` buckets (an hour when spans arrive every minute);
/// older buckets are dropped, whatever traces the ring still holds.
///
/// Writers hold the lock while they insert; readers hold it only to copy the state (copy-on-write,
/// O(1)) and search the copy, so a search sees one consistent state and never blocks writers for long.
public final class RingStore: TraceWriter, TraceReader {
    private let state: Mutex<RingState>
    private let dependencyBuckets = Mutex(DependencyBuckets())

    /// - Parameter maxBytes: the most span bytes held, as counted by `TraceBatch.footprintBytes`.
    public init(maxBytes: Int) {
        state = Mutex(RingState(maxBytes: max(0, maxBytes)))
    }

    /// The byte budget.
    public var maxBytes: Int { state.withLock { $0.maxBytes } }
    /// Bytes held now, never above `maxBytes` after a write returns.
    public var usedBytes: Int { state.withLock { $0.usedBytes } }
    /// Traces held now.
    public var traceCount: Int { state.withLock { $0.traceCount } }
    /// Traces evicted since the ring was made.
    public var evictedTraces: Int { state.withLock { $0.evictedTraces } }

    /// True when the ring holds spans of this trace.
    public func contains(_ id: TraceID) -> Bool {
        state.withLock { $0.traces[id] != nil }
    }

    public func write(_ batch: TraceBatch) async throws {
        write(pieces: TracePiece.split(batch), dependencies: DependencyBuckets.of(batch))
    }

    /// Stores a batch split by trace, and its dependency summaries per bucket (empty when
    /// another store aggregates them).
    func write(pieces: [TracePiece], dependencies: [UInt64: DependencySummary]) {
        let sized = pieces.map { ($0, $0.batch.footprintBytes) }
        state.withLock { state in
            for (piece, bytes) in sized { state.insert(piece, bytes: bytes) }
        }
        if !dependencies.isEmpty {
            dependencyBuckets.withLock { $0.add(dependencies) }
        }
    }

    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        let pieces = state.withLock { $0.traces[id]?.pieces }
        return pieces.flatMap(TraceAssembly.merge)
    }

    public func findTraceIDs(_ query: TraceQuery) async throws -> [TraceID] {
        try findHits(query).map(\.traceID)
    }

    func findHits(_ query: TraceQuery) throws(StorageError) -> [TraceHit] {
        try query.validate()
        let snapshot = state.withLock { $0 }
        let candidates: Set<TraceID>?
        if let operation = query.operation {
            candidates = snapshot.byOperation[RingState.ServiceOperation(service: query.service, operation: operation)]
        } else {
            candidates = snapshot.byService[query.service]
        }
        guard let candidates else { return [] }
        let matcher = TraceMatcher(query: query)
        var top = TopHits(limit: query.limit)
        for id in candidates {
            guard let entry = snapshot.traces[id] else { continue }
            // The latest start any matching span could have, from the summaries alone.
            var bound: UInt64?
            for (key, summary) in entry.groups where matcher.mayMatch(key, summary) {
                let groupBound = min(summary.maxStart, query.end ?? .max)
                bound = max(bound ?? 0, groupBound)
            }
            guard let bound, top.couldAdmit(bound: bound) else { continue }
            if let latest = matcher.latestMatchingStart(in: entry.pieces) {
                top.offer(TraceHit(traceID: id, latestStart: latest))
            }
        }
        return top.sorted()
    }

    public func services() async throws -> [String] {
        state.withLock { Array($0.byService.keys) }.sorted()
    }

    public func operations(service: String) async throws -> [Operation] {
        state.withLock { state in
            state.operationCounts.keys.filter { $0.service == service }.map { Operation(name: $0.operation, kind: $0.kind) }
        }.sorted()
    }

    public func dependencies(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> DependencySummary {
        let buckets = dependencyBuckets.withLock { $0 }
        return try buckets.summary(from: startUnixNano, to: endUnixNano)
    }
}
