/// The ClickHouse tables of an archive, in SQL that ClickHouse 18.16 (Debian 12's package) and
/// current releases both accept: no `DateTime64`, `Map`, `LowCardinality`, table `TTL` or query
/// parameters. Times are `UInt64` Unix nanoseconds, every table is partitioned by a `day Date`
/// (retention drops whole days), and aggregates keep latency histograms as `…Map` nested
/// columns that `SummingMergeTree` adds up by bucket.
///
/// Each table is created as `<prefix><name>_local` on every node; with a cluster, a
/// `Distributed` table `<prefix><name>` over it is what Trellis reads and writes. The span
/// tables are sharded by trace ID, so each trace is on one shard, with its lookup rows.
struct ClickHouseSchema: Sendable {
    /// One table of the archive.
    struct Table: Sendable {
        var name: String
        /// What follows `CREATE TABLE name` (or `CREATE MATERIALIZED VIEW name`) for the local table.
        var definition: String
        var isMaterializedView: Bool
        var shardingKey: String
    }

    /// The spans of one `span_groups` row all start within one aligned hour, so a row's
    /// `max_start` is less than an hour past its `min_start`.
    static let groupWindowNanos: UInt64 = 3_600_000_000_000

    let database: String
    let prefix: String
    let cluster: String?

    init(_ settings: ClickHouseSettings) {
        database = settings.database
        prefix = settings.tablePrefix
        cluster = settings.cluster
    }

    /// The table Trellis reads and writes for `name`: the `Distributed` one with a cluster, else the local one.
    func table(_ name: String) -> String {
        "\(database).\(prefix)\(name)" + (cluster == nil ? "_local" : "")
    }

    /// The node-local table for `name` (subqueries that stay on each shard use it).
    func local(_ name: String) -> String { "\(database).\(prefix)\(name)_local" }

    /// Every table, sources before the views that read them.
    var tables: [Table] {
        [
            // One row per trace per write: the write's spans of that trace as one OTLP protobuf
            // ExportTraceServiceRequest. Ordered by trace ID: get-trace reads one granule per day,
            // and granules are small (256 rows, not 8,192) because a row's payload is kilobytes.
            Table(name: "spans", definition: """
                (day Date, trace_id FixedString(16), min_start UInt64, max_start UInt64, span_count UInt32, payload String)
                ENGINE = MergeTree PARTITION BY day ORDER BY (trace_id, min_start) SETTINGS index_granularity = 256
                """, isMaterializedView: false, shardingKey: "cityHash64(trace_id)"),
            // Search rows: per trace per write, per (service, operation, kind) and hour of the
            // start, the bounds of the spans' starts and durations and the trace's indexed
            // attribute values.
            Table(name: "span_groups", definition: """
                (day Date, service String, operation String, kind UInt8, trace_id FixedString(16),
                 min_start UInt64, max_start UInt64, min_duration UInt64, max_duration UInt64, span_count UInt32,
                 attribute_keys Array(String), attribute_types Array(UInt8), attribute_strings Array(String), attribute_numbers Array(Float64))
                ENGINE = MergeTree PARTITION BY day ORDER BY (service, max_start, operation)
                """, isMaterializedView: false, shardingKey: "cityHash64(trace_id)"),
            // The days a trace has spans on, so get-trace reads only those partitions.
            Table(name: "trace_days", definition: """
                ENGINE = ReplacingMergeTree PARTITION BY day ORDER BY (trace_id, day)
                AS SELECT trace_id, day FROM \(local("spans"))
                """, isMaterializedView: true, shardingKey: "cityHash64(trace_id)"),
            Table(name: "operations", definition: """
                ENGINE = ReplacingMergeTree PARTITION BY day ORDER BY (service, operation, kind, day)
                AS SELECT day, service, operation, kind FROM \(local("span_groups"))
                """, isMaterializedView: true, shardingKey: "rand()"),
            Table(name: "dependency_links", definition: """
                (day Date, minute UInt64, parent String, child String, child_is_virtual UInt8, calls UInt64, errors UInt64,
                 latencyMap Nested(bucket UInt16, count UInt64))
                ENGINE = SummingMergeTree PARTITION BY day ORDER BY (day, minute, parent, child, child_is_virtual)
                """, isMaterializedView: false, shardingKey: "rand()"),
            Table(name: "dependency_services", definition: """
                (day Date, minute UInt64, service String, spans UInt64, errors UInt64, serverLatencyMap Nested(bucket UInt16, count UInt64))
                ENGINE = SummingMergeTree PARTITION BY day ORDER BY (day, minute, service)
                """, isMaterializedView: false, shardingKey: "rand()"),
            Table(name: "span_metrics", definition: """
                (day Date, minute UInt64, service String, operation String, kind UInt8, calls UInt64, errors UInt64,
                 latencyMap Nested(bucket UInt16, count UInt64))
                ENGINE = SummingMergeTree PARTITION BY day ORDER BY (day, service, minute, operation, kind)
                """, isMaterializedView: false, shardingKey: "rand()"),
        ]
    }

    /// The statements that create the database and every table that is missing, on one node:
    /// each is `IF NOT EXISTS`, so running them again changes nothing.
    var createStatements: [String] {
        var out = ["CREATE DATABASE IF NOT EXISTS \(database)"]
        for table in tables {
            let kind = table.isMaterializedView ? "MATERIALIZED VIEW" : "TABLE"
            out.append("CREATE \(kind) IF NOT EXISTS \(local(table.name)) \(table.definition)")
        }
        if let cluster {
            for table in tables {
                out.append("""
                    CREATE TABLE IF NOT EXISTS \(database).\(prefix)\(table.name) AS \(local(table.name)) \
                    ENGINE = Distributed(\(cluster), \(database), \(prefix)\(table.name)_local, \(table.shardingKey))
                    """)
            }
        }
        return out
    }

    /// The tables Trellis uses, each as `table(_:)` names it: opening checks they exist.
    var usedTables: [String] { tables.map { table($0.name) } }
}
