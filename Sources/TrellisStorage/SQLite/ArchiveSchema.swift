/// The archive's tables, versioned in `PRAGMA user_version`, and the migrations between versions.
///
/// Version 1:
/// - `blocks`: one row per (trace, write): that trace's spans from the write, as an OTLP
///   protobuf `ExportTraceServiceRequest`, with the trace ID (two signed 64-bit halves) and the
///   earliest and latest span start. Indexed by trace ID (get-trace) and by latest start (retention).
/// - `span_groups`: one row per (block, operation, kind): bounds over those spans (start times,
///   durations, error flag) for search. Clustered by block (cheap retention deletes), indexed by
///   (service, latest start) and (operation, latest start) so searches walk an index newest first.
/// - `indexed_attributes`: the distinct (key, value) pairs of the configured attribute keys in
///   a block, on spans or on their resources; searched by trace through `blocks`.
/// - `services`, `operations`, `operation_kinds`: the distinct names, kept at write time.
///
/// Version 2 adds the dependency aggregates, upserted in each write's transaction:
/// - `dependency_links`: per (minute bucket, parent service, child service): calls, errors and
///   the callee latency histogram (`HistogramBlob`).
/// - `dependency_services`: per (minute bucket, service): spans, errors and the server latency histogram.
/// Both are keyed by bucket first, so a time range is one primary-key range. Spans stored
/// before the upgrade are not aggregated (the migration does not rescan blocks).
///
/// Version 3 adds `archive_state` (key → integer): `sequence`, the sequence number of the last
/// write committed, updated in each write's transaction; the write-ahead log replays only
/// records after it.
///
/// Version 4 stores spans in compressed chunks with index rows per chunk and per trace,
/// replacing `blocks`, `span_groups` and `indexed_attributes` (converted by `LegacyBlocks`):
/// - `chunks`: about 256 spans of one write, whole traces, as gzip of one OTLP protobuf request,
///   with the earliest and latest span start, and the packed trace IDs (for retention).
///   Indexed by latest start (retention).
/// - `trace_chunks`: per (trace, chunk), keyed by trace ID (get-trace).
/// - `chunk_groups`: per (chunk, operation, kind), bounds over those spans (start times,
///   durations); keyed by chunk, indexed by (service, latest start) and (operation, latest start)
///   so searches walk an index newest first.
/// - `chunk_attributes`: the distinct (key, value) pairs of the indexed attribute keys in a
///   chunk, keyed by chunk, on spans or their resources.
///
/// Version 5 adds `span_metrics`: per (minute bucket, service, operation, kind), the spans the
/// spanmetrics connector counted before sampling, their errors and their latency histogram
/// (`HistogramBlob`), upserted at each connector flush.
///
/// Version 6 indexes `chunks` by earliest span start too, so size retention finds the oldest
/// span still kept (a write's chunk can reach back before chunks that end earlier).
enum ArchiveSchema {
    /// The newest schema this build reads and writes.
    static let currentVersion = 6

    /// The statements that take a database from version `n - 1` to `n`, at index `n - 1`.
    static let migrations: [[String]] = [
        [
            "CREATE TABLE services (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            "CREATE TABLE operations (id INTEGER PRIMARY KEY, service_id INTEGER NOT NULL, name TEXT NOT NULL, UNIQUE (service_id, name))",
            "CREATE TABLE operation_kinds (operation_id INTEGER NOT NULL, kind INTEGER NOT NULL, PRIMARY KEY (operation_id, kind)) WITHOUT ROWID",
            """
            CREATE TABLE blocks (id INTEGER PRIMARY KEY, trace_hi INTEGER NOT NULL, trace_lo INTEGER NOT NULL,
                min_start INTEGER NOT NULL, max_start INTEGER NOT NULL, span_count INTEGER NOT NULL, data BLOB NOT NULL)
            """,
            "CREATE INDEX blocks_by_trace ON blocks (trace_hi, trace_lo)",
            "CREATE INDEX blocks_by_age ON blocks (max_start)",
            """
            CREATE TABLE span_groups (block_id INTEGER NOT NULL, operation_id INTEGER NOT NULL, kind INTEGER NOT NULL,
                service_id INTEGER NOT NULL, trace_hi INTEGER NOT NULL, trace_lo INTEGER NOT NULL,
                min_start INTEGER NOT NULL, max_start INTEGER NOT NULL, min_duration INTEGER NOT NULL, max_duration INTEGER NOT NULL,
                has_error INTEGER NOT NULL, span_count INTEGER NOT NULL,
                PRIMARY KEY (block_id, operation_id, kind)) WITHOUT ROWID
            """,
            "CREATE INDEX span_groups_by_service ON span_groups (service_id, max_start)",
            "CREATE INDEX span_groups_by_operation ON span_groups (operation_id, max_start)",
            "CREATE TABLE indexed_attributes (block_id INTEGER NOT NULL, key TEXT NOT NULL, value NOT NULL, PRIMARY KEY (block_id, key, value)) WITHOUT ROWID",
        ],
        [
            """
            CREATE TABLE dependency_links (bucket INTEGER NOT NULL, parent TEXT NOT NULL, child TEXT NOT NULL,
                child_is_virtual INTEGER NOT NULL, calls INTEGER NOT NULL, errors INTEGER NOT NULL, latency BLOB NOT NULL,
                PRIMARY KEY (bucket, parent, child)) WITHOUT ROWID
            """,
            """
            CREATE TABLE dependency_services (bucket INTEGER NOT NULL, service TEXT NOT NULL,
                spans INTEGER NOT NULL, errors INTEGER NOT NULL, server_latency BLOB NOT NULL,
                PRIMARY KEY (bucket, service)) WITHOUT ROWID
            """,
        ],
        [
            "CREATE TABLE archive_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        ],
        [
            """
            CREATE TABLE chunks (id INTEGER PRIMARY KEY, min_start INTEGER NOT NULL, max_start INTEGER NOT NULL,
                span_count INTEGER NOT NULL, trace_ids BLOB NOT NULL, data BLOB NOT NULL)
            """,
            "CREATE INDEX chunks_by_age ON chunks (max_start)",
            """
            CREATE TABLE trace_chunks (trace_hi INTEGER NOT NULL, trace_lo INTEGER NOT NULL, chunk_id INTEGER NOT NULL,
                PRIMARY KEY (trace_hi, trace_lo, chunk_id)) WITHOUT ROWID
            """,
            """
            CREATE TABLE chunk_groups (chunk_id INTEGER NOT NULL, operation_id INTEGER NOT NULL, kind INTEGER NOT NULL,
                service_id INTEGER NOT NULL, min_start INTEGER NOT NULL, max_start INTEGER NOT NULL,
                min_duration INTEGER NOT NULL, max_duration INTEGER NOT NULL,
                PRIMARY KEY (chunk_id, operation_id, kind)) WITHOUT ROWID
            """,
            "CREATE INDEX chunk_groups_by_service ON chunk_groups (service_id, max_start)",
            "CREATE INDEX chunk_groups_by_operation ON chunk_groups (operation_id, max_start)",
            "CREATE TABLE chunk_attributes (chunk_id INTEGER NOT NULL, key TEXT NOT NULL, value NOT NULL, PRIMARY KEY (chunk_id, key, value)) WITHOUT ROWID",
        ],
        [
            """
            CREATE TABLE span_metrics (bucket INTEGER NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL, kind INTEGER NOT NULL,
                calls INTEGER NOT NULL, errors INTEGER NOT NULL, latency BLOB NOT NULL,
                PRIMARY KEY (bucket, service, operation, kind)) WITHOUT ROWID
            """,
        ],
        ["CREATE INDEX chunks_by_first_start ON chunks (min_start)"],
    ]

    /// The version whose migration converts the span blocks of earlier versions into chunks.
    static let chunkVersion = 4

    /// Brings the database to `currentVersion` in one transaction. Refuses a newer version.
    /// Spans stored in blocks (versions 1 to 3) are converted into chunks, indexing `indexedKeys`.
    static func migrate(_ db: SQLiteConnection, indexedKeys: Set<String>) throws(StorageError) {
        let found = Int(try db.integer("PRAGMA user_version"))
        if found > currentVersion { throw .newerSchema(found: found, supported: currentVersion) }
        guard found < currentVersion else { return }
        if found == 0 {
            // Only takes effect before the first table exists: lets size retention give pages back.
            try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        }
        try db.execute("BEGIN IMMEDIATE")
        do {
            for version in (found + 1)...currentVersion {
                for sql in migrations[version - 1] { try db.execute(sql) }
            }
            if found < chunkVersion {
                try LegacyBlocks.convert(db, indexedKeys: indexedKeys)
            }
            // PRAGMA takes no bound parameters; the version is our own integer constant.
            try db.execute("PRAGMA user_version = \(currentVersion)")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }
}
