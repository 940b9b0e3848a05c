import TrellisModel

/// `exporters.trellis_store`: the in-memory ring of recent traces plus the archive: the SQLite
/// file at `archive.path`, or with `archive.clickhouse`, a ClickHouse database.
public struct TrellisStoreConfig: Decodable, Sendable, Hashable {
    /// `ring.max_bytes`: memory for recent traces. Default 256MiB.
    public var ringMaxBytes = ByteSize.mebibytes(256)
    /// `archive.path`: the SQLite file, created with its directories. Default `data/trellis.db`.
    public var archivePath = "data/trellis.db"
    /// `archive.retention`: traces older than this are deleted. Default 168h.
    public var retention = ConfigDuration.seconds(168 * 3600)
    /// `archive.max_bytes`: the oldest traces are deleted above this size. Default 10GiB.
    public var archiveMaxBytes = ByteSize(bytes: 10 << 30)
    /// `archive.indexed_attributes`: attribute keys searchable through an index (others are filtered after).
    public var indexedAttributes: [String]?
    /// `archive.wal`: append every accepted batch to `<path>.wal-log` and fsync it (group commits)
    /// before acknowledging; replay what the archive lacks at start. Default false.
    public var writeAheadLog = false
    /// `archive.clickhouse`: keep the archive in ClickHouse (`path`, `max_bytes` and `wal` are
    /// the SQLite file's and are refused with it; `retention` drops whole days).
    public var clickHouse: ClickHouseArchiveConfig?

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable { case ring, archive }
    private enum RingKeys: String, CodingKey, CaseIterable { case maxBytes = "max_bytes" }
    private enum ArchiveKeys: String, CodingKey, CaseIterable {
        case path, retention
        case maxBytes = "max_bytes"
        case indexedAttributes = "indexed_attributes"
        case wal, clickhouse
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.ring), try !c.decodeNil(forKey: .ring) {
            let ring = try c.superDecoder(forKey: .ring)
            try ring.rejectUnknownKeys(RingKeys.self)
            ringMaxBytes = try ring.container(keyedBy: RingKeys.self).decodeIfPresent(ByteSize.self, forKey: .maxBytes) ?? ringMaxBytes
        }
        if c.contains(.archive), try !c.decodeNil(forKey: .archive) {
            let archive = try c.superDecoder(forKey: .archive)
            try archive.rejectUnknownKeys(ArchiveKeys.self)
            let a = try archive.container(keyedBy: ArchiveKeys.self)
            archivePath = try a.decodeIfPresent(String.self, forKey: .path) ?? archivePath
            retention = try a.decodeIfPresent(ConfigDuration.self, forKey: .retention) ?? retention
            archiveMaxBytes = try a.decodeIfPresent(ByteSize.self, forKey: .maxBytes) ?? archiveMaxBytes
            indexedAttributes = try a.decodeIfPresent([String].self, forKey: .indexedAttributes)
            writeAheadLog = try a.decodeIfPresent(Bool.self, forKey: .wal) ?? writeAheadLog
            clickHouse = try a.decodeIfPresent(ClickHouseArchiveConfig.self, forKey: .clickhouse)
            if clickHouse != nil {
                for key in [ArchiveKeys.path, .maxBytes, .wal] where a.contains(key) {
                    throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath) + ".archive.\(key.rawValue)",
                                                   reason: "applies to the SQLite archive; with archive.clickhouse leave it out")
                }
            }
        }
        let path = ConfigPath.dotted(decoder.codingPath)
        if ringMaxBytes.bytes < 1 << 20 { throw ConfigError.invalidValue(path: path + ".ring.max_bytes", reason: "must be at least 1MiB") }
        if archivePath.isEmpty { throw ConfigError.invalidValue(path: path + ".archive.path", reason: "must name a file") }
        if retention.nanoseconds <= 0 { throw ConfigError.invalidValue(path: path + ".archive.retention", reason: "must be greater than 0") }
    }
}
