import TrellisModel

/// `processors.memory_limiter`, with the OpenTelemetry Collector's keys.
///
/// Give either `limit_mib` (with `spike_limit_mib`, default 20 % of the limit) or
/// `limit_percentage` (with `spike_limit_percentage`) of the cgroup or machine memory.
/// Data is refused while memory is above the soft limit, `limit − spike`.
public struct MemoryLimiterConfig: Decodable, Sendable, Hashable {
    /// How often the process RSS is sampled. Default 1s.
    public var checkInterval = ConfigDuration.seconds(1)
    public var limitMiB: Int?
    public var spikeLimitMiB: Int?
    public var limitPercentage: Int?
    public var spikeLimitPercentage: Int?

    public init(limitMiB: Int, spikeLimitMiB: Int? = nil, checkInterval: ConfigDuration = .seconds(1)) {
        self.limitMiB = limitMiB
        self.spikeLimitMiB = spikeLimitMiB
        self.checkInterval = checkInterval
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case checkInterval = "check_interval"
        case limitMiB = "limit_mib"
        case spikeLimitMiB = "spike_limit_mib"
        case limitPercentage = "limit_percentage"
        case spikeLimitPercentage = "spike_limit_percentage"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        checkInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .checkInterval) ?? checkInterval
        limitMiB = try c.decodeIfPresent(Int.self, forKey: .limitMiB)
        spikeLimitMiB = try c.decodeIfPresent(Int.self, forKey: .spikeLimitMiB)
        limitPercentage = try c.decodeIfPresent(Int.self, forKey: .limitPercentage)
        spikeLimitPercentage = try c.decodeIfPresent(Int.self, forKey: .spikeLimitPercentage)
        try validate(path: ConfigPath.dotted(decoder.codingPath))
    }

    /// Checks that exactly one way of giving the limit is used and the spike fits under it.
    public func validate(path: String = "processors.memory_limiter") throws(ConfigError) {
        if checkInterval.nanoseconds <= 0 { throw .invalidValue(path: path + ".check_interval", reason: "must be greater than 0") }
        switch (limitMiB, limitPercentage) {
        case (nil, nil):
            throw .invalidValue(path: path, reason: "set limit_mib or limit_percentage")
        case (.some, .some):
            throw .invalidValue(path: path, reason: "set only one of limit_mib and limit_percentage")
        case (let mib?, nil):
            if mib <= 0 { throw .invalidValue(path: path + ".limit_mib", reason: "must be greater than 0, got \(mib)") }
            if let spike = spikeLimitMiB, spike < 0 || spike >= mib {
                throw .invalidValue(path: path + ".spike_limit_mib", reason: "must be at least 0 and below limit_mib (\(mib)), got \(spike)")
            }
        case (nil, let percent?):
            if !(1...100).contains(percent) { throw .invalidValue(path: path + ".limit_percentage", reason: "must be between 1 and 100, got \(percent)") }
            if let spike = spikeLimitPercentage, spike < 0 || spike >= percent {
                throw .invalidValue(path: path + ".spike_limit_percentage", reason: "must be at least 0 and below limit_percentage (\(percent)), got \(spike)")
            }
        }
    }

    /// The hard and soft limits in bytes, given the memory available to the process.
    public func limits(totalMemoryBytes: Int) -> (hard: Int, soft: Int) {
        if let mib = limitMiB {
            let spike = spikeLimitMiB ?? mib / 5
            return (mib << 20, (mib - spike) << 20)
        }
        let percent = limitPercentage ?? 100
        let spike = spikeLimitPercentage ?? percent / 5
        return (totalMemoryBytes / 100 * percent, totalMemoryBytes / 100 * (percent - spike))
    }
}
