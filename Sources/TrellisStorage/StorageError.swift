/// Everything the storage layer reports as a failure: bad query arguments, and problems
/// with the SQLite archive file. Each case says what was wrong in its `description`.
public enum StorageError: Error, Hashable, Sendable {
    /// The query named no service; searches always start from one.
    case missingService
    /// The query's start time is after its end time (nanoseconds since the Unix epoch).
    case invertedTimeRange(start: UInt64, end: UInt64)
    /// The query's limit is zero or negative.
    case invalidLimit(Int)
    /// The query's minimum duration is larger than its maximum (nanoseconds).
    case invertedDurationRange(min: UInt64, max: UInt64)
    /// An attribute filter that cannot match anything, for example `>` on a string.
    case invalidAttributeFilter(key: String, reason: String)
    /// A maximum-row or byte argument of a retention call is zero or negative.
    case invalidRetentionArgument(name: String, value: Int)
    /// The archive file was written by a newer Trellis: its schema version is above the one this build knows.
    case newerSchema(found: Int, supported: Int)
    /// The archive file failed SQLite's integrity check, or is not a database. The file was left untouched.
    case corrupted(path: String, detail: String)
    /// The archive's directory could not be created.
    case cannotCreateDirectory(path: String, detail: String)
    /// An SQLite call failed.
    case sqlite(code: Int32, message: String, context: String)
    /// A stored span block could not be decoded.
    case undecodableBlock(detail: String)
    /// The archive's write-ahead log file (`archive.wal`) could not be opened, written, synced or read.
    case writeAheadLog(path: String, detail: String)
    /// The store was closed.
    case closed
    /// A ClickHouse request failed: the server at `endpoint` could not be reached or answered
    /// with an error (its message in `detail`) while doing `context`.
    case clickHouse(endpoint: String, context: String, detail: String)
    /// The ClickHouse database lacks a table this build reads and writes.
    case clickHouseSchemaMissing(endpoint: String, table: String)
}

extension StorageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missingService:
            return "a trace query needs a service name"
        case .invertedTimeRange(let start, let end):
            return "the query's start time (\(start) ns) is after its end time (\(end) ns)"
        case .invalidLimit(let limit):
            return "the query limit must be positive, got \(limit)"
        case .invertedDurationRange(let min, let max):
            return "the query's minimum duration (\(min) ns) is larger than its maximum duration (\(max) ns)"
        case .invalidAttributeFilter(let key, let reason):
            return "invalid filter on attribute '\(key)': \(reason)"
        case .invalidRetentionArgument(let name, let value):
            return "retention argument '\(name)' must be positive, got \(value)"
        case .newerSchema(let found, let supported):
            return "the archive's schema version is \(found), but this build of Trellis supports up to version \(supported); "
                + "it was written by a newer Trellis. Upgrade Trellis or point the archive at another path; the file was not changed"
        case .corrupted(let path, let detail):
            return "the archive at \(path) is corrupted (\(detail)); it was not modified. Restore it from a backup or move it aside"
        case .cannotCreateDirectory(let path, let detail):
            return "cannot create the archive directory \(path): \(detail)"
        case .sqlite(let code, let message, let context):
            return "SQLite error \(code) while \(context): \(message)"
        case .undecodableBlock(let detail):
            return "a stored span block could not be decoded: \(detail)"
        case .writeAheadLog(let path, let detail):
            return "the archive's write-ahead log \(path) failed: \(detail); check the disk and the file's permissions"
        case .closed:
            return "the store is closed"
        case .clickHouse(let endpoint, let context, let detail):
            return "ClickHouse at \(endpoint) failed while \(context): \(detail)"
        case .clickHouseSchemaMissing(let endpoint, let table):
            return "ClickHouse at \(endpoint) has no table \(table): create the schema with `trellis clickhouse migrate --config <file>` (once per ClickHouse node)"
        }
    }
}
