import Foundation
import TrellisModel
import TrellisClickHouse
import TrellisStorage

/// `exporters.trellis_store.archive.clickhouse`: keep the archive in ClickHouse instead of the
/// SQLite file. Keys as the collector's `clickhouse` exporter names them where they overlap.
public struct ClickHouseArchiveConfig: Decodable, Sendable, Hashable {
    /// `endpoint` (required): the HTTP interface, such as `http://127.0.0.1:8123`.
    /// `database` (default `trellis`), `table_prefix` (default `trellis_`), `cluster` (none):
    /// names, letters, digits and `_` only. `username` and `password_file` (its first line is
    /// the password): HTTP Basic credentials. `timeout`: per request, default 30s.
    public var settings: ClickHouseSettings

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoint, database, cluster, username, timeout
        case tablePrefix = "table_prefix"
        case passwordFile = "password_file"
    }

    public init(settings: ClickHouseSettings) {
        self.settings = settings
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = ConfigPath.dotted(decoder.codingPath)
        guard let endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint) else { throw ConfigError.missingKey(path: path + ".endpoint") }
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigError.invalidValue(path: path + ".endpoint", reason: "must be an http:// or https:// URL of ClickHouse's HTTP interface, got '\(endpoint)'")
        }
        var settings = ClickHouseSettings(endpoint: endpoint)
        for (key, value) in [(CodingKeys.database, \ClickHouseSettings.database), (.tablePrefix, \.tablePrefix)] {
            if let name = try c.decodeIfPresent(String.self, forKey: key) { settings[keyPath: value] = try Self.name(name, path: path + "." + key.rawValue) }
        }
        if settings.database.isEmpty { throw ConfigError.invalidValue(path: path + ".database", reason: "must not be empty") }
        settings.cluster = try c.decodeIfPresent(String.self, forKey: .cluster).map { try Self.name($0, path: path + ".cluster") }
        if settings.cluster?.isEmpty == true { throw ConfigError.invalidValue(path: path + ".cluster", reason: "must not be empty; leave it out for a single node") }
        settings.username = try c.decodeIfPresent(String.self, forKey: .username)
        if let file = try c.decodeIfPresent(String.self, forKey: .passwordFile) {
            let text = try SecretFile.read(file, key: path + ".password_file")
            settings.password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if settings.username == nil { throw ConfigError.invalidValue(path: path + ".password_file", reason: "set username too") }
        }
        if let timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout) {
            guard timeout.nanoseconds > 0 else { throw ConfigError.invalidValue(path: path + ".timeout", reason: "must be above zero") }
            settings.timeout = .nanoseconds(timeout.nanoseconds)
        }
        self.settings = settings
    }

    /// SQL identifiers are written into statements as they are: letters, digits and `_`, not
    /// starting with a digit (a prefix may be empty).
    private static func name(_ value: String, path: String) throws -> String {
        func letter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        guard value.unicodeScalars.allSatisfy({ letter($0) || ("0"..."9").contains($0) }), value.unicodeScalars.first.map(letter) ?? true else {
            throw ConfigError.invalidValue(path: path, reason: "use only letters, digits and _, not starting with a digit, got '\(value)'")
        }
        return value
    }
}
