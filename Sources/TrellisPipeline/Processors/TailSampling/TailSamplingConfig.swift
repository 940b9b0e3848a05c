import TrellisModel

/// `processors.tail_sampling`, with the OpenTelemetry Collector contrib `tail_sampling`
/// processor's keys and defaults, plus one Trellis extension (`decision_wait_after_root_received`).
///
/// Decoding is strict: unknown keys and bad values are `ConfigError`s naming the dotted key
/// path. Decoding also runs `validate()`, so a decoded config is ready for `TailSamplingProcessor`.
public struct TailSamplingConfig: Decodable, Sendable, Hashable {
    /// How long a trace waits after its first span before the policies decide. Default 30s.
    public var decisionWait: ConfigDuration
    /// The most traces buffered at once; when a new trace would exceed it, the oldest pending
    /// trace is decided early. Default 50000.
    public var numTraces: Int
    /// A sizing hint for the buffer (traces per second). Default 0.
    public var expectedNewTracesPerSec: Int
    /// Sizes of the caches that remember decisions for late spans.
    public var decisionCache: DecisionCacheConfig
    /// Trellis extension: decide this long after a trace's root span (no parent) arrives,
    /// when that is earlier than `decision_wait` after its first span. Absent: off.
    public var decisionWaitAfterRootReceived: ConfigDuration?
    /// The policies, evaluated in order for every trace.
    public var policies: [SamplingPolicyConfig]

    public init(
        decisionWait: ConfigDuration = .seconds(30), numTraces: Int = 50_000, expectedNewTracesPerSec: Int = 0,
        decisionCache: DecisionCacheConfig = DecisionCacheConfig(), decisionWaitAfterRootReceived: ConfigDuration? = nil,
        policies: [SamplingPolicyConfig]
    ) {
        self.decisionWait = decisionWait
        self.numTraces = numTraces
        self.expectedNewTracesPerSec = expectedNewTracesPerSec
        self.decisionCache = decisionCache
        self.decisionWaitAfterRootReceived = decisionWaitAfterRootReceived
        self.policies = policies
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case decisionWait = "decision_wait"
        case numTraces = "num_traces"
        case expectedNewTracesPerSec = "expected_new_traces_per_sec"
        case decisionCache = "decision_cache"
        case decisionWaitAfterRootReceived = "decision_wait_after_root_received"
        case policies
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        decisionWait = try c.decodeIfPresent(ConfigDuration.self, forKey: .decisionWait) ?? .seconds(30)
        numTraces = try c.decodeIfPresent(Int.self, forKey: .numTraces) ?? 50_000
        expectedNewTracesPerSec = try c.decodeIfPresent(Int.self, forKey: .expectedNewTracesPerSec) ?? 0
        if c.contains(.decisionCache), try !c.decodeNil(forKey: .decisionCache) {
            decisionCache = try c.decode(DecisionCacheConfig.self, forKey: .decisionCache)
        } else {
            decisionCache = DecisionCacheConfig()
        }
        decisionWaitAfterRootReceived = try c.decodeIfPresent(ConfigDuration.self, forKey: .decisionWaitAfterRootReceived)
        guard c.contains(.policies) else { throw ConfigError.missingKey(path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.policies])) }
        policies = try c.decode([SamplingPolicyConfig].self, forKey: .policies)
        try validate(path: ConfigPath.dotted(decoder.codingPath))
    }

    /// Checks every value: positive durations and sizes, at least one policy, unique policy
    /// names (at the top level and within each list of sub-policies), percentages within
    /// 0...100, regular expressions that compile, and composite references that exist.
    /// - Parameter path: the dotted path of this section, used in error messages.
    public func validate(path: String = "processors.tail_sampling") throws(ConfigError) {
        let prefix = path.isEmpty ? "" : path + "."
        if decisionWait.nanoseconds <= 0 { throw .invalidValue(path: prefix + "decision_wait", reason: "must be greater than 0") }
        if numTraces < 1 { throw .invalidValue(path: prefix + "num_traces", reason: "must be at least 1, got \(numTraces)") }
        if expectedNewTracesPerSec < 0 {
            throw .invalidValue(path: prefix + "expected_new_traces_per_sec", reason: "must not be negative, got \(expectedNewTracesPerSec)")
        }
        try decisionCache.validate(path: prefix + "decision_cache")
        if let rootWait = decisionWaitAfterRootReceived, rootWait.nanoseconds <= 0 {
            throw .invalidValue(path: prefix + "decision_wait_after_root_received", reason: "must be greater than 0")
        }
        if policies.isEmpty { throw .invalidValue(path: prefix + "policies", reason: "list at least one policy (for example { name: keep-all, type: always_sample })") }
        try SamplingPolicyConfig.validate(policies, path: prefix + "policies")
    }
}

/// `decision_cache`: how many decided trace IDs are remembered so late spans follow the decision.
///
/// As in the collector both default to 0. A size of 0 does not switch the memory off in
/// Trellis: it remembers the last `num_traces` decisions of that kind, which is how long the
/// collector keeps a decided trace in its buffer (and so applies its decision to late spans).
public struct DecisionCacheConfig: Decodable, Sendable, Hashable {
    /// Trace IDs remembered as sampled. Default 0 (= `num_traces`).
    public var sampledCacheSize: Int
    /// Trace IDs remembered as not sampled. Default 0 (= `num_traces`).
    public var nonSampledCacheSize: Int

    public init(sampledCacheSize: Int = 0, nonSampledCacheSize: Int = 0) {
        self.sampledCacheSize = sampledCacheSize
        self.nonSampledCacheSize = nonSampledCacheSize
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case sampledCacheSize = "sampled_cache_size"
        case nonSampledCacheSize = "non_sampled_cache_size"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampledCacheSize = try c.decodeIfPresent(Int.self, forKey: .sampledCacheSize) ?? 0
        nonSampledCacheSize = try c.decodeIfPresent(Int.self, forKey: .nonSampledCacheSize) ?? 0
    }

    func validate(path: String) throws(ConfigError) {
        if sampledCacheSize < 0 { throw .invalidValue(path: path + ".sampled_cache_size", reason: "must not be negative, got \(sampledCacheSize)") }
        if nonSampledCacheSize < 0 { throw .invalidValue(path: path + ".non_sampled_cache_size", reason: "must not be negative, got \(nonSampledCacheSize)") }
    }
}
