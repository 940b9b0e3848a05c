import TrellisCodec
import TrellisModel
import TrellisStorage

/// The archive on ClickHouse, over its HTTP interface (`ClickHouseConnection`), in the tables
/// `ClickHouseSchema` describes; `trellis clickhouse migrate` creates them and opening checks
/// they exist.
///
/// A write is up to four `RowBinary` INSERTs (spans, span groups, dependency links and
/// services; the views fill themselves), each acknowledged by ClickHouse before the next and,
/// with a cluster, by every shard (`insert_distributed_sync`). A write that failed part-way is
/// retried whole by the store's writer: spans stored twice are returned once (readers keep each
/// span ID once), but the dependency counts of the first attempt's acknowledged rows stay.
///
/// Reads run as SQL that returns `RowBinary`:
/// - get-trace looks the trace's days up in `trace_days`, then reads its `spans` rows by the
///   primary key in those partitions only, and joins them (`TraceAssembly`);
/// - a search reads candidate traces from `span_groups` (service, then operation, kind, time,
///   duration bounds and the indexed attribute values), newest bound first, in pages; each
///   candidate's spans are checked with `TraceMatcher`, as the SQLite archive does, until no
///   later candidate could rank;
/// - dependencies and span metrics add their minutes' rows up (`sum`, `sumMap`).
///
/// Retention drops whole `day` partitions older than the cutoff from every local table on the
/// node at `endpoint` (ClickHouse 18.16 has no table TTL); `maxBytes` is not applied.
public final class ClickHouseArchive: TraceArchive {
    public let indexedAttributeKeys: Set<String>
    public let settings: ClickHouseSettings
    private let connection: ClickHouseConnection
    private let schema: ClickHouseSchema
    /// Candidates read per page of a search, as a multiple of its limit.
    private let pageFactor = 2

    /// Connects and checks the schema: throws `StorageError.clickHouseSchemaMissing` for the
    /// first missing table, `StorageError.clickHouse` when the server cannot be reached.
    public init(settings: ClickHouseSettings, indexedAttributeKeys: Set<String> = SQLiteArchive.defaultIndexedAttributeKeys) throws(StorageError) {
        self.settings = settings
        self.indexedAttributeKeys = indexedAttributeKeys
        connection = ClickHouseConnection(settings: settings)
        schema = ClickHouseSchema(settings)
        for table in schema.usedTables {
            let answer = try connection.queryBlocking("EXISTS TABLE \(table)", context: "checking the schema")
            if String(decoding: answer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
                throw .clickHouseSchemaMissing(endpoint: settings.endpoint, table: table)
            }
        }
    }

    /// Creates the database and every missing table on the node at `settings.endpoint` (with a
    /// cluster, its local tables and the `Distributed` tables over them): run it once per node.
    /// Idempotent. Returns the statements it ran.
    @discardableResult
    public static func migrate(_ settings: ClickHouseSettings) throws(StorageError) -> [String] {
        let connection = ClickHouseConnection(settings: settings)
        let statements = ClickHouseSchema(settings).createStatements
        for statement in statements {
            _ = try connection.queryBlocking(statement, context: "creating the schema")
        }
        return statements
    }

    /// Nil: a ClickHouse that cannot be reached fails the writes, which the store's writer reports
    /// to `/readyz` and retries; there is no file to lose.
    public var problem: String? { nil }

    /// Nothing to release: requests go through AsyncHTTPClient's shared client.
    public func close() {}

    // MARK: Writing

    public func write(pieces: [TracePiece], dependencies: [UInt64: DependencySummary]) throws(StorageError) {
        if !pieces.isEmpty {
            let rows = ClickHouseRows.pieces(pieces)
            try insert("spans", ClickHouseRows.spanColumns, rows.spans)
            try insert("span_groups", ClickHouseRows.groupColumns, rows.groups)
        }
        if !dependencies.isEmpty {
            let rows = ClickHouseRows.dependencies(dependencies)
            try insert("dependency_links", ClickHouseRows.linkColumns, rows.links)
            try insert("dependency_services", ClickHouseRows.serviceColumns, rows.services)
        }
    }

    public func writeSpanMetrics(_ minutes: [SpanMetricsKey: SpanMetricsCounts]) throws(StorageError) {
        try insert("span_metrics", ClickHouseRows.metricColumns, ClickHouseRows.spanMetrics(minutes))
    }

    private func insert(_ table: String, _ columns: [String], _ rows: [UInt8]) throws(StorageError) {
        guard !rows.isEmpty else { return }
        try connection.insertBlocking(into: schema.table(table), columns: columns, rows: rows, context: "inserting into \(table)")
    }

    // MARK: Retention

    public func applyRetention(olderThan cutoff: UInt64, maxBytes: Int) throws(StorageError) -> (deleted: Int, storedBytes: Int) {
        let tables = schema.tables.map { ClickHouseSQL.literal(schema.prefix + $0.name + "_local") }.joined(separator: ", ")
        let inner = schema.tables.filter(\.isMaterializedView).map { ClickHouseSQL.literal(".inner." + schema.prefix + $0.name + "_local") }
        let owners = ([tables] + inner).joined(separator: ", ")
        let expired = try connection.queryBlocking("""
            SELECT DISTINCT table, partition FROM system.parts WHERE database = \(ClickHouseSQL.literal(schema.database)) AND active
            AND table IN (\(owners)) AND toDate(partition) < \(ClickHouseSQL.day(ofUnixNano: cutoff)) FORMAT RowBinary
            """, context: "listing expired partitions")
        var reader = RowBinaryReader(expired)
        var dropped = 0
        while !reader.isAtEnd {
            let table = try reader.string(), partition = try reader.string()
            _ = try connection.queryBlocking("ALTER TABLE \(schema.database).`\(table)` DROP PARTITION \(ClickHouseSQL.literal(partition))",
                                             context: "dropping the expired partition \(partition) of \(table)")
            dropped += 1
        }
        let size = try connection.queryBlocking("""
            SELECT sum(bytes) FROM system.parts WHERE database = \(ClickHouseSQL.literal(schema.database)) AND active AND table IN (\(owners)) FORMAT RowBinary
            """, context: "measuring the archive")
        var sizeReader = RowBinaryReader(size)
        return (dropped, Int(clamping: try sizeReader.uint64()))
    }

    // MARK: Reading

    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        try await traces([id])[id]
    }

    /// Trace IDs per read: each is written twice into the SQL, which must stay under
    /// ClickHouse's `max_query_size` (256 KiB by default).
    private let tracesPerRead = 500

    /// The stored spans of each trace that has any.
    private func traces(_ ids: [TraceID]) async throws(StorageError) -> [TraceID: TraceBatch] {
        var payloads: [TraceID: [UInt8]] = [:]
        for start in stride(from: 0, to: ids.count, by: tracesPerRead) {
            let list = ids[start..<min(ids.count, start + tracesPerRead)].map(ClickHouseSQL.literal).joined(separator: ", ")
            let answer = try await connection.query("""
                SELECT trace_id, payload FROM \(schema.table("spans"))
                WHERE day IN (SELECT day FROM \(schema.local("trace_days")) WHERE trace_id IN (\(list))) AND trace_id IN (\(list))
                FORMAT RowBinary
                """, context: "reading traces")
            var reader = RowBinaryReader(answer)
            while !reader.isAtEnd {
                let id = try reader.traceID()
                payloads[id, default: []] += try reader.bytesString()
            }
        }
        let decoder = OTLPProtobufDecoder()
        var out: [TraceID: TraceBatch] = [:]
        for (id, payload) in payloads {
            // Requests one after the other read as one request holding all their spans.
            let batch: TraceBatch
            do {
                batch = try payload.withUnsafeBytes { (raw) throws(CodecError) in try decoder.decode(raw).batch }
            } catch {
                throw .undecodableBlock(detail: "the spans of trace \(id) in ClickHouse do not decode: \(error)")
            }
            out[id] = TraceAssembly.merge([batch])
        }
        return out
    }

    public func findTraces(_ query: TraceQuery) async throws -> [FoundTrace] {
        try query.validate()
        let matcher = TraceMatcher(query: query)
        let pageSize = query.limit * pageFactor
        let end = query.end ?? .max
        var top = TopHits(limit: query.limit)
        var seen = Set<TraceID>()
        var found: [TraceID: TraceBatch] = [:]
        var after: ClickHouseSearchSQL.Candidate?
        pages: while true {
            let candidates = try await candidatePage(query, after: after, count: pageSize)
            let fresh = candidates.filter { !seen.contains($0.traceID) && top.couldAdmit(bound: min($0.bound, end)) }
            let traces = try await traces(fresh.map(\.traceID))
            for candidate in candidates {
                guard top.couldAdmit(bound: min(candidate.bound, end)) else { break pages }
                guard seen.insert(candidate.traceID).inserted, let trace = traces[candidate.traceID],
                      let latest = matcher.latestMatchingStart(in: [trace]) else { continue }
                found[candidate.traceID] = trace
                top.offer(TraceHit(traceID: candidate.traceID, latestStart: latest))
            }
            guard candidates.count == pageSize, let last = candidates.last else { break }
            after = last
        }
        return top.sorted().compactMap { hit in
            found[hit.traceID].map { FoundTrace(traceID: hit.traceID, latestMatchStart: hit.latestStart, trace: $0, isWhole: true) }
        }
    }

    /// Traces that may hold a matching span, highest bound first, ranked after `after`.
    private func candidatePage(_ query: TraceQuery, after: ClickHouseSearchSQL.Candidate?, count: Int) async throws(StorageError) -> [ClickHouseSearchSQL.Candidate] {
        let sql = ClickHouseSearchSQL.candidates(query, table: schema.table("span_groups"), indexedKeys: indexedAttributeKeys,
                                                 after: after, count: count)
        var reader = RowBinaryReader(try await connection.query(sql, context: "searching traces"))
        var out: [ClickHouseSearchSQL.Candidate] = []
        while !reader.isAtEnd { out.append(ClickHouseSearchSQL.Candidate(traceID: try reader.traceID(), bound: try reader.uint64())) }
        return out
    }

    public func services() async throws -> [String] {
        var reader = RowBinaryReader(try await connection.query(
            "SELECT DISTINCT service FROM \(schema.table("operations")) ORDER BY service FORMAT RowBinary", context: "listing services"))
        var out: [String] = []
        while !reader.isAtEnd { out.append(try reader.string()) }
        return out
    }

    public func operations(service: String) async throws -> [Operation] {
        var reader = RowBinaryReader(try await connection.query("""
            SELECT DISTINCT operation, kind FROM \(schema.table("operations")) WHERE service = \(ClickHouseSQL.literal(service)) FORMAT RowBinary
            """, context: "listing operations"))
        var out: [Operation] = []
        while !reader.isAtEnd {
            out.append(Operation(name: try reader.string(), kind: SpanKind(rawValue: Int32(try reader.uint8())) ?? .unspecified))
        }
        return out.sorted()
    }

    public func dependencies(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> DependencySummary {
        let minutes = try Self.minutes(from: startUnixNano, to: endUnixNano)
        var out = DependencySummary()
        var links = RowBinaryReader(try await connection.query("""
            SELECT parent, child, max(child_is_virtual), sum(calls), sum(errors), sumMap(latencyMap.bucket, latencyMap.count)
            FROM \(schema.table("dependency_links")) WHERE \(minutes) GROUP BY parent, child FORMAT RowBinary
            """, context: "reading dependency links"))
        while !links.isAtEnd {
            let parent = try links.string(), child = try links.string(), virtual = try links.uint8()
            out.merge(DependencyLink(parent: parent, child: child, callCount: try links.uint64(), errorCount: try links.uint64(),
                                     latency: try Self.histogram(&links), childIsVirtual: virtual != 0))
        }
        var services = RowBinaryReader(try await connection.query("""
            SELECT service, sum(spans), sum(errors), sumMap(serverLatencyMap.bucket, serverLatencyMap.count)
            FROM \(schema.table("dependency_services")) WHERE \(minutes) GROUP BY service FORMAT RowBinary
            """, context: "reading dependency services"))
        while !services.isAtEnd {
            out.merge(ServiceActivity(service: try services.string(), spanCount: try services.uint64(), errorCount: try services.uint64(),
                                      serverLatency: try Self.histogram(&services)))
        }
        return out
    }

    public func spanMetrics(service: String, from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [SpanMetricsKey: SpanMetricsCounts] {
        var reader = RowBinaryReader(try await connection.query("""
            SELECT minute, operation, kind, sum(calls), sum(errors), sumMap(latencyMap.bucket, latencyMap.count)
            FROM \(schema.table("span_metrics")) WHERE service = \(ClickHouseSQL.literal(service))
            AND \(try Self.minutes(from: startUnixNano, to: endUnixNano))
            GROUP BY minute, operation, kind FORMAT RowBinary
            """, context: "reading span metrics"))
        var out: [SpanMetricsKey: SpanMetricsCounts] = [:]
        while !reader.isAtEnd {
            let minute = try reader.uint64(), operation = try reader.string(), kind = try reader.uint8()
            let key = SpanMetricsKey(bucket: minute, service: service, operation: operation, kind: SpanKind(rawValue: Int32(kind)) ?? .unspecified)
            out[key] = SpanMetricsCounts(calls: try reader.uint64(), errors: try reader.uint64(), latency: try Self.histogram(&reader))
        }
        return out
    }

    public func spanMetricsServices(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [String] {
        var reader = RowBinaryReader(try await connection.query("""
            SELECT DISTINCT service FROM \(schema.table("span_metrics")) WHERE \(try Self.minutes(from: startUnixNano, to: endUnixNano))
            ORDER BY service FORMAT RowBinary
            """, context: "listing the services of span metrics"))
        var out: [String] = []
        while !reader.isAtEnd { out.append(try reader.string()) }
        return out
    }

    /// The condition on the minute tables (dependency buckets, span metrics) for the minutes
    /// overlapping `start...end`: their minutes and days.
    private static func minutes(from start: UInt64, to end: UInt64) throws(StorageError) -> String {
        let range = try DependencyBuckets.bucketRange(from: start, to: end)
        return "minute BETWEEN \(range.lowerBound) AND \(range.upperBound) AND day BETWEEN \(ClickHouseSQL.day(ofUnixNano: range.lowerBound)) AND \(ClickHouseSQL.day(ofUnixNano: range.upperBound))"
    }

    /// A `sumMap` result, `Tuple(Array(UInt16), Array(UInt64))`: the buckets, then their counts.
    private static func histogram(_ reader: inout RowBinaryReader) throws(StorageError) -> LatencyHistogram {
        let buckets = try reader.array { (r: inout RowBinaryReader) throws(StorageError) in try r.uint16() }
        let counts = try reader.array { (r: inout RowBinaryReader) throws(StorageError) in try r.uint64() }
        guard buckets.count == counts.count else { throw .undecodableBlock(detail: "a latency histogram from ClickHouse has \(buckets.count) buckets and \(counts.count) counts") }
        return LatencyHistogram(counts: Dictionary(zip(buckets, counts), uniquingKeysWith: +))
    }
}
