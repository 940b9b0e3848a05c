import TrellisCodec
import TrellisModel

/// The archive's read connection (opened read-only) with its protobuf decoder.
/// Used only under the archive's reader lock.
final class ArchiveReaderConnection {
    let db: SQLiteConnection
    private let decoder = OTLPProtobufDecoder()
    /// The most bytes a chunk may inflate to: far above what the writer makes.
    private let maxChunkBytes = 256 << 20

    init(db: SQLiteConnection) {
        self.db = db
    }

    /// The trace's spans from each chunk holding some, in write order.
    func batches(of id: TraceID) throws(StorageError) -> [TraceBatch] {
        var cache = ChunkCache()
        return try batches(of: id, from: &cache)
    }

    private func batches(of id: TraceID, from cache: inout ChunkCache) throws(StorageError) -> [TraceBatch] {
        try chunks(of: id).map { chunkID throws(StorageError) in
            Self.spans(of: id, in: try cache.chunk(chunkID, decodedBy: decodedChunk))
        }
    }

    /// The best `query.limit` traces. Walks the span groups of the service (or operation) newest
    /// first through an index, filtered by the bounds the summaries allow and the attribute
    /// index, decodes each new candidate chunk once, confirms its traces on their spans (reading
    /// a trace's other chunks when it has some), and stops as soon as no later row can rank higher.
    /// The traces found are cut from the chunks the search decoded (the newest
    /// `ChunkCache.capacity` of them are kept), so a chunk holding many hits is decoded once.
    func findTraces(_ query: TraceQuery, indexedKeys: Set<String>) throws(StorageError) -> [FoundTrace] {
        guard let serviceID = try lookUp("SELECT id FROM services WHERE name = ?1", query.service) else { return [] }
        var operationID: Int64?
        if let operation = query.operation {
            operationID = try lookUp("SELECT id FROM operations WHERE service_id = ?1 AND name = ?2", serviceID, operation)
            guard operationID != nil else { return [] }
        }
        let maxGroupSpan = UInt64(bitPattern: try db.integer(ArchiveSearchSQL.maxGroupSpan))
        let (sql, binds) = ArchiveSearchSQL.candidates(query, serviceID: serviceID, operationID: operationID,
                                                       indexedKeys: indexedKeys, maxGroupSpan: maxGroupSpan)

        let select = try db.statement(sql)
        defer { select.reset() }
        for (i, value) in binds.enumerated() { select.bind(Int32(i + 1), value) }

        let matcher = TraceMatcher(query: query)
        var top = TopHits(limit: query.limit)
        var seenChunks = Set<Int64>()
        var seenTraces = Set<TraceID>()
        var cache = ChunkCache()
        let end = SQLiteValues.time(query.end ?? .max)
        while try select.step() {
            let bound = UInt64(max(0, min(select.int64(1), end)))
            // Rows come in falling `max_start` order, so no later row can do better either.
            guard top.couldAdmit(bound: bound) else { break }
            let chunkID = select.int64(0)
            guard seenChunks.insert(chunkID).inserted else { continue }
            let chunk = try cache.chunk(chunkID, decodedBy: decodedChunk)
            for (id, latestHere) in latestMatchingStarts(in: chunk, matcher) where seenTraces.insert(id).inserted {
                var latest = latestHere
                for other in try chunks(of: id) where other != chunkID {
                    let spans = Self.spans(of: id, in: try cache.chunk(other, decodedBy: decodedChunk))
                    latest = max(latest, matcher.latestMatchingStart(in: [spans]) ?? 0)
                }
                top.offer(TraceHit(traceID: id, latestStart: latest))
            }
        }
        var found: [FoundTrace] = []
        for hit in top.sorted() {
            guard let trace = TraceAssembly.merge(try batches(of: hit.traceID, from: &cache)) else { continue }
            found.append(FoundTrace(traceID: hit.traceID, latestMatchStart: hit.latestStart, trace: trace, isWhole: true))
        }
        return found
    }

    func services() throws(StorageError) -> [String] {
        try db.textRows("SELECT name FROM services ORDER BY name")
    }

    func operations(service: String) throws(StorageError) -> [Operation] {
        let select = try db.statement("""
            SELECT o.name, k.kind FROM services s JOIN operations o ON o.service_id = s.id
            JOIN operation_kinds k ON k.operation_id = o.id WHERE s.name = ?1
            """)
        defer { select.reset() }
        select.bind(1, service)
        var out: [Operation] = []
        while try select.step() {
            out.append(Operation(name: select.text(0), kind: SpanKind(rawValue: Int32(truncatingIfNeeded: select.int64(1))) ?? .unspecified))
        }
        return out.sorted()
    }

    /// The query plan SQLite picks, one line per step (for tests that check index use).
    func queryPlan(_ sql: String) throws(StorageError) -> [String] {
        let explain = try db.statement("EXPLAIN QUERY PLAN " + sql)
        defer { explain.reset() }
        var lines: [String] = []
        while try explain.step() { lines.append(explain.text(3)) }
        return lines
    }

    /// The latest start of a matching span per trace, over the whole chunk.
    private func latestMatchingStarts(in batch: TraceBatch, _ matcher: TraceMatcher) -> [TraceID: UInt64] {
        var latest: [TraceID: UInt64] = [:]
        for rs in batch.resourceSpans where rs.resource.serviceName == matcher.query.service {
            for ss in rs.scopeSpans {
                for span in ss.spans where matcher.matches(span, resource: rs.resource) {
                    latest[span.traceID] = max(latest[span.traceID] ?? 0, span.startTimeUnixNano)
                }
            }
        }
        return latest
    }

    /// The spans of one trace in a chunk, under their resources and scopes.
    private static func spans(of id: TraceID, in chunk: TraceBatch) -> TraceBatch {
        var out = chunk
        for r in out.resourceSpans.indices {
            for s in out.resourceSpans[r].scopeSpans.indices {
                out.resourceSpans[r].scopeSpans[s].spans.removeAll { $0.traceID != id }
            }
            out.resourceSpans[r].scopeSpans.removeAll { $0.spans.isEmpty }
        }
        out.resourceSpans.removeAll { $0.scopeSpans.isEmpty }
        return out
    }

    private func chunks(of id: TraceID) throws(StorageError) -> [Int64] {
        let (hi, lo) = SQLiteValues.halves(id)
        let select = try db.statement(ArchiveSearchSQL.traceChunks)
        defer { select.reset() }
        select.bind(1, hi)
        select.bind(2, lo)
        var out: [Int64] = []
        while try select.step() { out.append(select.int64(0)) }
        return out
    }

    private func decodedChunk(_ id: Int64) throws(StorageError) -> TraceBatch {
        let select = try db.statement(ArchiveSearchSQL.chunkData)
        defer { select.reset() }
        select.bind(1, id)
        guard try select.step() else { throw .undecodableBlock(detail: "chunk \(id) is listed for a trace but missing") }
        let inflated: [UInt8]
        do {
            inflated = try Gzip.inflate(select.blob(0), limit: maxChunkBytes)
        } catch {
            throw .undecodableBlock(detail: "chunk \(id) does not inflate: \(error)")
        }
        do {
            return try decoder.decode(inflated).batch
        } catch {
            throw .undecodableBlock(detail: "chunk \(id) does not decode: \(error)")
        }
    }

    private func lookUp(_ sql: String, _ name: String) throws(StorageError) -> Int64? {
        let select = try db.statement(sql)
        defer { select.reset() }
        select.bind(1, name)
        return try select.step() ? select.int64(0) : nil
    }

    private func lookUp(_ sql: String, _ id: Int64, _ name: String) throws(StorageError) -> Int64? {
        let select = try db.statement(sql)
        defer { select.reset() }
        select.bind(1, id)
        select.bind(2, name)
        return try select.step() ? select.int64(0) : nil
    }
}
