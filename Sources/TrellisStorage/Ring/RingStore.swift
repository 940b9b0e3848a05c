import Synchronization
import TrellisCodec
import TrellisModel

/// The recent traces, in memory, bounded by bytes.
///
/// Every span written joins its trace's entry (a trace's spans may arrive over many batches).
/// Spans are held as the trace's slices with their spans encoded (`TracePiece`: the same bytes
/// the archive's chunks are made of) and decoded when read. The bytes of a
/// trace are its pieces' `footprintBytes`; when the total passes `maxBytes` the traces that
/// arrived first are evicted first. Traces are indexed by ID and by
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
    /// The attribute keys whose values each trace's entry lists, so a search on them skips
    /// traces without decoding them.
    public let indexedAttributeKeys: Set<String>

    /// - Parameters:
    ///   - maxBytes: the most bytes held, as counted by `TracePiece.footprintBytes`.
    ///   - indexedAttributeKeys: see `indexedAttributeKeys`; pieces written must carry the values
    ///     of these keys (a `CombinedStore` writes the archive's, which must include them).
    ///   - startUnixNano: the ring's first watermark: spans stored elsewhere before the ring was
    ///     made started before it (the process start, by default).
    public init(maxBytes: Int, indexedAttributeKeys: Set<String> = [], startUnixNano: UInt64 = WallClock.nowNanos()) {
        state = Mutex(RingState(maxBytes: max(0, maxBytes), watermark: startUnixNano))
        self.indexedAttributeKeys = indexedAttributeKeys
    }

    /// Every span the store holds that started after this (Unix nanoseconds) is in the ring.
    public var watermark: UInt64 { state.withLock { $0.watermark } }

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

    /// Evicts the oldest traces until the ring holds at least `bytes` fewer than now (or nothing).
    public func shrink(by bytes: Int) {
        state.withLock { state in
            state.evict(downTo: max(0, state.usedBytes - max(0, bytes)))
        }
    }

    /// True when the ring holds spans of this trace.
    public func contains(_ id: TraceID) -> Bool {
        state.withLock { $0.traces[id] != nil }
    }

    public func write(_ batch: TraceBatch) async throws {
        write(pieces: TracePiece.pieces(of: batch, indexedKeys: indexedAttributeKeys), dependencies: DependencyBuckets.of(batch))
    }

    /// Stores a write's pieces, and its dependency summaries per bucket (empty when another
    /// store aggregates them).
    func write(pieces: [TracePiece], dependencies: [UInt64: DependencySummary]) {
        state.withLock { state in
            for piece in pieces { state.insert(piece) }
        }
        if !dependencies.isEmpty {
            dependencyBuckets.withLock { $0.add(dependencies) }
        }
    }

    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        guard let slices = state.withLock({ $0.traces[id]?.slices }) else { return nil }
        return try Self.assemble(slices, with: SliceDecoder())
    }

    /// The trace when the ring holds every span of it the store has (see `RingState.Entry.isWhole`),
    /// so a reader needs nothing else; nil otherwise.
    public func wholeTrace(_ id: TraceID) throws(StorageError) -> TraceBatch? {
        let slices = state.withLock { state -> [SliceContent]? in
            guard let entry = state.traces[id], entry.isWhole(after: state.watermark) else { return nil }
            return entry.slices
        }
        guard let slices else { return nil }
        return try Self.assemble(slices, with: SliceDecoder())
    }

    /// A trace's slices decoded and joined (each span ID once).
    private static func assemble(_ slices: [SliceContent], with decoder: SliceDecoder) throws(StorageError) -> TraceBatch? {
        TraceAssembly.merge([try decode(slices, with: decoder)])
    }

    private static func decode(_ slices: [SliceContent], with decoder: SliceDecoder) throws(StorageError) -> TraceBatch {
        do {
            return try decoder.batch(of: slices)
        } catch {
            throw .undecodableBlock(detail: "spans held by the ring do not decode: \(error)")
        }
    }

    /// Decodes each candidate once: the spans that decided its rank are the ones returned.
    public func findTraces(_ query: TraceQuery) async throws -> [FoundTrace] {
        try query.validate()
        let snapshot = state.withLock { $0 }
        let refs: [RingState.TraceRef]?
        if let operation = query.operation {
            refs = snapshot.byOperation[RingState.ServiceOperation(service: query.service, operation: operation)]
        } else {
            refs = snapshot.byService[query.service]
        }
        guard let refs else { return [] }
        let candidates = snapshot.live(refs)
        let matcher = TraceMatcher(query: query)
        let decoder = SliceDecoder()
        // The latest start any matching span of each candidate could have, from the summaries
        // (and the indexed attribute values) alone; candidates are then checked (decoded) newest
        // bound first, so once the results are full the rest are skipped unread.
        var bounded: [(id: TraceID, bound: UInt64)] = []
        for id in candidates {
            guard let entry = snapshot.traces[id],
                  matcher.mayMatch(indexedAttributes: entry.attributes, indexedKeys: indexedAttributeKeys) else { continue }
            var bound: UInt64?
            for (key, summary) in entry.groups where matcher.mayMatch(key, summary) {
                bound = max(bound ?? 0, min(summary.maxStart, query.end ?? .max))
            }
            if let bound { bounded.append((id, bound)) }
        }
        bounded.sort { $0.bound > $1.bound }
        var top = TopHits(limit: query.limit)
        var decoded: [TraceID: TraceBatch] = [:]
        for (id, bound) in bounded {
            guard top.couldAdmit(bound: bound) else { break }
            guard let entry = snapshot.traces[id] else { continue }
            let batch = try Self.decode(entry.slices, with: decoder)
            if let latest = matcher.latestMatchingStart(in: [batch]) {
                top.offer(TraceHit(traceID: id, latestStart: latest))
                decoded[id] = batch
            }
        }
        return top.sorted().compactMap { hit in
            guard let batch = decoded[hit.traceID], let trace = TraceAssembly.merge([batch]),
                  let entry = snapshot.traces[hit.traceID] else { return nil }
            return FoundTrace(traceID: hit.traceID, latestMatchStart: hit.latestStart, trace: trace,
                              isWhole: entry.isWhole(after: snapshot.watermark))
        }
    }

    public func services() async throws -> [String] {
        state.withLock { Array($0.serviceCounts.keys) }.sorted()
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
