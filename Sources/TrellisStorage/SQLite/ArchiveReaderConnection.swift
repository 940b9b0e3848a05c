import TrellisCodec
import TrellisModel

/// The archive's read connection (opened read-only) with its protobuf decoder.
/// Used only under the archive's reader lock.
final class ArchiveReaderConnection {
    let db: SQLiteConnection
    private let decoder = OTLPProtobufDecoder()

    init(db: SQLiteConnection) {
        self.db = db
    }

    /// Every stored block of the trace, decoded, in write order.
    func batches(of id: TraceID) throws(StorageError) -> [TraceBatch] {
        let (hi, lo) = SQLiteValues.halves(id)
        let select = try db.statement(ArchiveSearchSQL.traceBlocks)
        defer { select.reset() }
        select.bind(1, hi)
        select.bind(2, lo)
        var out: [TraceBatch] = []
        while try select.step() {
            let bytes = select.blob(0)
            do {
                out.append(try decoder.decode(bytes).batch)
            } catch {
                throw .undecodableBlock(detail: "\(error)")
            }
        }
        return out
    }

    /// The best `query.limit` traces. Walks the span groups of the service (or operation) newest
    /// first through an index, filtered by the bounds the summaries allow, confirms each new
    /// candidate trace on its decoded spans, and stops as soon as no later row can rank higher.
    func findHits(_ query: TraceQuery, indexedKeys: Set<String>) throws(StorageError) -> [TraceHit] {
        guard let serviceID = try lookUp("SELECT id FROM services WHERE name = ?1", query.service) else { return [] }
        var operationID: Int64?
        if let operation = query.operation {
            operationID = try lookUp("SELECT id FROM operations WHERE service_id = ?1 AND name = ?2", serviceID, operation)
            guard operationID != nil else { return [] }
        }
        let (sql, binds) = ArchiveSearchSQL.candidates(query, serviceID: serviceID, operationID: operationID, indexedKeys: indexedKeys)

        let select = try db.statement(sql)
        defer { select.reset() }
        for (i, value) in binds.enumerated() { select.bind(Int32(i + 1), value) }

        let matcher = TraceMatcher(query: query)
        var top = TopHits(limit: query.limit)
        var seen = Set<TraceID>()
        let end = SQLiteValues.time(query.end ?? .max)
        while try select.step() {
            let bound = UInt64(max(0, min(select.int64(2), end)))
            // Rows come in falling `max_start` order, so no later row can do better either.
            guard top.couldAdmit(bound: bound) else { break }
            let id = SQLiteValues.traceID(high: select.int64(0), low: select.int64(1))
            guard seen.insert(id).inserted else { continue }
            if let latest = matcher.latestMatchingStart(in: try batches(of: id)) {
                top.offer(TraceHit(traceID: id, latestStart: latest))
            }
        }
        return top.sorted()
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
