/// A coding key for any string, used to list a mapping's keys.
public struct AnyCodingKey: CodingKey {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws `ConfigError.unknownKey` for any key of this mapping that `Keys` does not list,
    /// so a typo in the config is an error rather than a silently ignored setting.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let allowed = Keys.allCases.map(\.stringValue)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw ConfigError.unknownKey(path: ConfigPath.dotted(codingPath + [key]), allowed: allowed.sorted())
        }
    }
}

/// Formats coding paths the way users write config keys: `receivers.otlp.protocols.grpc`.
public enum ConfigPath {
    public static func dotted(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".")
            .split(separator: ".[", omittingEmptySubsequences: false)
            .joined(separator: "[")
    }
}
