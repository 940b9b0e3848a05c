import TrellisModel

extension LoadTarget.WireProtocol {
    /// Parses `--protocol`, naming the values it takes when it is none of them.
    init(option: String) throws(LoadgenError) {
        guard let value = Self(rawValue: option) else {
            throw .badOption("--protocol must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}

extension Duration {
    /// Parses a positive `--duration` such as `20s`, `1m` or `500ms`.
    init(option: String) throws(LoadgenError) {
        guard let length = ConfigDuration(parsing: option), length.nanoseconds > 0 else {
            throw .badOption("--duration '\(option)' is not a duration like 20s or 1m")
        }
        self = .nanoseconds(length.nanoseconds)
    }
}
