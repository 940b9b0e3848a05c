/// Where and how `ClickHouseArchive` reaches ClickHouse (from `exporters.trellis_store.archive.clickhouse`).
public struct ClickHouseSettings: Sendable, Hashable {
    /// The HTTP interface's base URL, such as `http://127.0.0.1:8123`.
    public var endpoint: String
    /// The database the tables are in (created by `trellis clickhouse migrate`).
    public var database: String
    /// Put before every table name, so several Trellis archives can share a database.
    public var tablePrefix: String
    /// With a cluster (a name from the server's `remote_servers`), reads and writes go through
    /// `Distributed` tables over it, sharded by trace ID; without one, to the local tables.
    public var cluster: String?
    public var username: String?
    public var password: String?
    /// The longest a request may take (connection, query and answer).
    public var timeout: Duration

    public init(endpoint: String, database: String = "trellis", tablePrefix: String = "trellis_", cluster: String? = nil,
                username: String? = nil, password: String? = nil, timeout: Duration = .seconds(30)) {
        self.endpoint = endpoint
        self.database = database
        self.tablePrefix = tablePrefix
        self.cluster = cluster
        self.username = username
        self.password = password
        self.timeout = timeout
    }
}
