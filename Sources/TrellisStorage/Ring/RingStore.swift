import Synchronization
import TrellisModel

/// The recent traces, in memory, bounded by bytes.
///
/// Every span written joins its trace's entry (a trace's spans may arrive over many batches).
/// Spans are held packed (`PackedBatch`, about their OTLP wire size) and unpacked when read.
/// The bytes of a trace are the packed pieces' `footprintBytes` plus its share of the resource
/// and scope attributes of the batches it came in; when the total passes `maxBytes` the traces
/// that arrived first are evicted first. Traces are indexed by ID and by
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

    /// - Parameter maxBytes: the most bytes held, as counted by `PackedBatch.footprintBytes` plus shared attributes.
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

    /// Evicts the oldest traces until the ring holds at most `fraction` (0…1) of what it holds
    /// now: how it gives memory back when the process is short of it.
    public func shrink(to fraction: Double) {
        state.withLock { state in
            state.evict(downTo: Int(Double(state.usedBytes) * min(max(fraction, 0), 1)))
        }
    }

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
        let packed = Self.pack(pieces)
        state.withLock { state in
            for (piece, (batch, bytes)) in zip(pieces, packed) { state.insert(piece, packed: batch, bytes: bytes) }
        }
        if !dependencies.isEmpty {
            dependencyBuckets.withLock { $0.add(dependencies) }
        }
    }

    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        let pieces = state.withLock { $0.traces[id]?.pieces }
        return pieces.flatMap { TraceAssembly.merge($0.map { $0.unpacked() }) }
    }

    /// The pieces of one write packed, each with the bytes the ring counts for it: its packed
    /// footprint plus an equal share of the attributes the pieces share.
    static func pack(_ pieces: [TracePiece]) -> [(batch: PackedBatch, bytes: Int)] {
        let shared = pieces.isEmpty ? 0 : sharedAttributeBytes(of: pieces) / pieces.count
        return pieces.map { piece in
            let batch = PackedBatch(piece.batch)
            return (batch, batch.footprintBytes + shared)
        }
    }

    /// The resource and scope attributes the pieces of one write share (copy-on-write storage,
    /// held once however many traces refer to it), counted once per distinct resource and scope.
    private static func sharedAttributeBytes(of pieces: [TracePiece]) -> Int {
        var resources = Set<Resource>()
        var scopes = Set<InstrumentationScope>()
        for piece in pieces {
            for rs in piece.batch.resourceSpans {
                resources.insert(rs.resource)
                for ss in rs.scopeSpans { scopes.insert(ss.scope) }
            }
        }
        return resources.reduce(0) { $0 + $1.footprintBytes } + scopes.reduce(0) { $0 + $1.attributes.footprintBytes + $1.name.footprintBytes + $1.version.footprintBytes }
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
        // The latest start any matching span of each candidate could have, from the summaries
        // alone; candidates are then checked (unpacked) newest bound first, so once the results
        // are full the rest are skipped unread.
        var bounded: [(id: TraceID, bound: UInt64)] = []
        for id in candidates {
            guard let entry = snapshot.traces[id] else { continue }
            var bound: UInt64?
            for (key, summary) in entry.groups where matcher.mayMatch(key, summary) {
                bound = max(bound ?? 0, min(summary.maxStart, query.end ?? .max))
            }
            if let bound { bounded.append((id, bound)) }
        }
        bounded.sort { $0.bound > $1.bound }
        var top = TopHits(limit: query.limit)
        for (id, bound) in bounded {
            guard top.couldAdmit(bound: bound) else { break }
            guard let entry = snapshot.traces[id] else { continue }
            if let latest = matcher.latestMatchingStart(in: entry.pieces.map { $0.unpacked() }) {
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
