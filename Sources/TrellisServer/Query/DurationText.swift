/// Reads durations written as Go's `time.ParseDuration` takes them, which is what Jaeger's
/// `minDuration`/`maxDuration` accept: one or more decimal numbers, each with a unit
/// (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), such as `100ms`, `1.5s`, `2m` or `1h30m`.
enum DurationText {
    private static let units: [(suffix: String, nanos: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// The duration in nanoseconds; nil for anything malformed or negative.
    static func nanoseconds(_ text: String) -> UInt64? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.nanos
        }
        guard total < 1.8e19 else { return nil }
        return UInt64(total)
    }
}
