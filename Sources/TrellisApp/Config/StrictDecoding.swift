import Foundation

/// A coding key for any string, used to list a mapping's keys.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws `ConfigError.unknownKey` for any key of this mapping that `Keys` does not list,
    /// so a typo in the config is an error rather than a silently ignored setting.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let allowed = Keys.allCases.map(\.stringValue)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw ConfigError.unknownKey(path: ConfigPath.dotted(codingPath + [key]), allowed: allowed.sorted())
        }
    }
}

/// Formats coding paths the way users write config keys: `receivers.otlp.protocols.grpc`.
enum ConfigPath {
    static func dotted(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }
}
