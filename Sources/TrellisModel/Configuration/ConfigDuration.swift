/// A duration written as in the collector's configs: `200ms`, `1s`, `1.5s`, `5m`, `168h`, `250us`, `100ns`.
public struct ConfigDuration: Decodable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func seconds(_ s: Int64) -> ConfigDuration { ConfigDuration(nanoseconds: s * 1_000_000_000) }
    public static func milliseconds(_ ms: Int64) -> ConfigDuration { ConfigDuration(nanoseconds: ms * 1_000_000) }

    /// Parses one number with a unit; nil when it is malformed or negative.
    public init?(parsing text: String) {
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        let trimmed = text.filter { $0 != " " }
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "5ms" also ends in "s": take the longest unit that leaves a number.
            if let whole = Int64(number), whole >= 0, whole <= Int64.max / Int64(factor) {
                nanoseconds = whole * Int64(factor)
                return
            }
            guard let value = Double(number), value >= 0, value * factor < 9.2e18 else { continue }
            nanoseconds = Int64(value * factor)
            return
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = ConfigDuration(parsing: text) else {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath), reason: "'\(text)' is not a duration; write it like 200ms, 1s, 5m or 168h")
        }
        self = parsed
    }

    public var description: String {
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        return "\(nanoseconds)ns"
    }
}
