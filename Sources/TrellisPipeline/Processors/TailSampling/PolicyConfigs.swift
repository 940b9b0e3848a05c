import TrellisModel

/// `latency: { threshold_ms, upper_threshold_ms }`: the trace's duration (latest span end minus
/// earliest span start) must be at least `threshold_ms` and, when `upper_threshold_ms` is set
/// (non-zero), at most `upper_threshold_ms`.
public struct LatencyPolicyConfig: Decodable, Sendable, Hashable {
    public var thresholdMs: Int64
    /// 0 (default) means no upper bound.
    public var upperThresholdMs: Int64

    public init(thresholdMs: Int64, upperThresholdMs: Int64 = 0) {
        self.thresholdMs = thresholdMs
        self.upperThresholdMs = upperThresholdMs
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case thresholdMs = "threshold_ms"
        case upperThresholdMs = "upper_threshold_ms"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        thresholdMs = try c.decodeIfPresent(Int64.self, forKey: .thresholdMs) ?? 0
        upperThresholdMs = try c.decodeIfPresent(Int64.self, forKey: .upperThresholdMs) ?? 0
    }

    func validate(path: String) throws(ConfigError) {
        if thresholdMs < 0 { throw .invalidValue(path: path + ".threshold_ms", reason: "must not be negative, got \(thresholdMs)") }
        if upperThresholdMs < 0 || (upperThresholdMs > 0 && upperThresholdMs < thresholdMs) {
            throw .invalidValue(path: path + ".upper_threshold_ms", reason: "must be 0 (no upper bound) or at least threshold_ms (\(thresholdMs)), got \(upperThresholdMs)")
        }
    }
}

/// `status_code: { status_codes: [ERROR, OK, UNSET] }`: a span with one of these status codes.
public struct StatusCodePolicyConfig: Decodable, Sendable, Hashable {
    public var statusCodes: [SpanStatus.Code]

    public init(statusCodes: [SpanStatus.Code]) { self.statusCodes = statusCodes }

    private enum CodingKeys: String, CodingKey, CaseIterable { case statusCodes = "status_codes" }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let names = try c.tailSamplingRequired([String].self, forKey: .statusCodes)
        if names.isEmpty {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(c.codingPath + [CodingKeys.statusCodes]), reason: "list at least one of ERROR, OK, UNSET")
        }
        statusCodes = try names.enumerated().map { index, name in
            switch name {
            case "ERROR": return .error
            case "OK": return .ok
            case "UNSET": return .unset
            default:
                throw ConfigError.invalidValue(
                    path: ConfigPath.dotted(c.codingPath + [CodingKeys.statusCodes]) + "[\(index)]",
                    reason: "unknown status code '\(name)'; use ERROR, OK or UNSET")
            }
        }
    }
}

/// `string_attribute: { key, values, enabled_regex_matching, cache_max_size, invert_match }`.
///
/// Values match exactly, or with `enabled_regex_matching` as regular expressions that match
/// anywhere in the value (anchor with `^...$` for a whole-value match), as in the collector.
public struct StringAttributePolicyConfig: Decodable, Sendable, Hashable {
    public var key: String
    public var values: [String]
    public var enabledRegexMatching: Bool
    /// How many attribute values' regex results are remembered. Default 128.
    public var cacheMaxSize: Int
    public var invertMatch: Bool

    public init(key: String, values: [String], enabledRegexMatching: Bool = false, cacheMaxSize: Int = 128, invertMatch: Bool = false) {
        self.key = key
        self.values = values
        self.enabledRegexMatching = enabledRegexMatching
        self.cacheMaxSize = cacheMaxSize
        self.invertMatch = invertMatch
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case key, values
        case enabledRegexMatching = "enabled_regex_matching"
        case cacheMaxSize = "cache_max_size"
        case invertMatch = "invert_match"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.tailSamplingRequired(String.self, forKey: .key)
        values = try c.tailSamplingRequired([String].self, forKey: .values)
        enabledRegexMatching = try c.decodeIfPresent(Bool.self, forKey: .enabledRegexMatching) ?? false
        cacheMaxSize = try c.decodeIfPresent(Int.self, forKey: .cacheMaxSize) ?? 128
        invertMatch = try c.decodeIfPresent(Bool.self, forKey: .invertMatch) ?? false
    }

    func validate(path: String) throws(ConfigError) {
        if key.isEmpty { throw .invalidValue(path: path + ".key", reason: "must not be empty") }
        if cacheMaxSize < 0 { throw .invalidValue(path: path + ".cache_max_size", reason: "must not be negative, got \(cacheMaxSize)") }
        guard enabledRegexMatching else { return }
        for (index, pattern) in values.enumerated() {
            do {
                _ = try Regex(pattern)
            } catch {
                throw .invalidValue(path: path + ".values[\(index)]", reason: "'\(pattern)' is not a valid regular expression: \(error)")
            }
        }
    }
}

/// `numeric_attribute: { key, min_value, max_value, invert_match }`: an integer or double
/// attribute within `min_value...max_value` (both inclusive; an absent bound is open).
public struct NumericAttributePolicyConfig: Decodable, Sendable, Hashable {
    public var key: String
    public var minValue: Int64?
    public var maxValue: Int64?
    public var invertMatch: Bool

    public init(key: String, minValue: Int64? = nil, maxValue: Int64? = nil, invertMatch: Bool = false) {
        self.key = key
        self.minValue = minValue
        self.maxValue = maxValue
        self.invertMatch = invertMatch
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case key
        case minValue = "min_value"
        case maxValue = "max_value"
        case invertMatch = "invert_match"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.tailSamplingRequired(String.self, forKey: .key)
        minValue = try c.decodeIfPresent(Int64.self, forKey: .minValue)
        maxValue = try c.decodeIfPresent(Int64.self, forKey: .maxValue)
        invertMatch = try c.decodeIfPresent(Bool.self, forKey: .invertMatch) ?? false
    }

    func validate(path: String) throws(ConfigError) {
        if key.isEmpty { throw .invalidValue(path: path + ".key", reason: "must not be empty") }
        if minValue == nil && maxValue == nil { throw .invalidValue(path: path, reason: "set min_value, max_value or both") }
        if let lo = minValue, let hi = maxValue, hi < lo {
            throw .invalidValue(path: path + ".max_value", reason: "must be at least min_value (\(lo)), got \(hi)")
        }
    }
}

/// `boolean_attribute: { key, value, invert_match }`.
public struct BooleanAttributePolicyConfig: Decodable, Sendable, Hashable {
    public var key: String
    public var value: Bool
    public var invertMatch: Bool

    public init(key: String, value: Bool, invertMatch: Bool = false) {
        self.key = key
        self.value = value
        self.invertMatch = invertMatch
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case key, value
        case invertMatch = "invert_match"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.tailSamplingRequired(String.self, forKey: .key)
        value = try c.tailSamplingRequired(Bool.self, forKey: .value)
        invertMatch = try c.decodeIfPresent(Bool.self, forKey: .invertMatch) ?? false
    }

    func validate(path: String) throws(ConfigError) {
        if key.isEmpty { throw .invalidValue(path: path + ".key", reason: "must not be empty") }
    }
}

/// `probabilistic: { sampling_percentage, hash_salt }`. See `ProbabilisticPolicy` for the hash.
public struct ProbabilisticPolicyConfig: Decodable, Sendable, Hashable {
    /// 0...100.
    public var samplingPercentage: Double
    /// Mixed into the hash; instances that must agree need the same salt. Default empty.
    public var hashSalt: String

    public init(samplingPercentage: Double, hashSalt: String = "") {
        self.samplingPercentage = samplingPercentage
        self.hashSalt = hashSalt
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case samplingPercentage = "sampling_percentage"
        case hashSalt = "hash_salt"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        samplingPercentage = try c.tailSamplingRequired(Double.self, forKey: .samplingPercentage)
        hashSalt = try c.decodeIfPresent(String.self, forKey: .hashSalt) ?? ""
    }

    func validate(path: String) throws(ConfigError) {
        if !(0...100).contains(samplingPercentage) {
            throw .invalidValue(path: path + ".sampling_percentage", reason: "must be between 0 and 100, got \(samplingPercentage)")
        }
    }
}

/// `rate_limiting: { spans_per_second }`.
public struct RateLimitingPolicyConfig: Decodable, Sendable, Hashable {
    public var spansPerSecond: Int

    public init(spansPerSecond: Int) { self.spansPerSecond = spansPerSecond }

    private enum CodingKeys: String, CodingKey, CaseIterable { case spansPerSecond = "spans_per_second" }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spansPerSecond = try c.tailSamplingRequired(Int.self, forKey: .spansPerSecond)
    }

    func validate(path: String) throws(ConfigError) {
        if spansPerSecond < 1 { throw .invalidValue(path: path + ".spans_per_second", reason: "must be at least 1, got \(spansPerSecond)") }
    }
}

/// `bytes_limiting: { bytes_per_second, burst_capacity }`: a token bucket of bytes refilled at
/// `bytes_per_second`, holding at most `burst_capacity` (default twice `bytes_per_second`).
/// A trace's size is its OTLP protobuf encoded size.
public struct BytesLimitingPolicyConfig: Decodable, Sendable, Hashable {
    public var bytesPerSecond: Int64
    public var burstCapacity: Int64

    public init(bytesPerSecond: Int64, burstCapacity: Int64? = nil) {
        self.bytesPerSecond = bytesPerSecond
        self.burstCapacity = burstCapacity ?? bytesPerSecond * 2
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case bytesPerSecond = "bytes_per_second"
        case burstCapacity = "burst_capacity"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bytesPerSecond = try c.tailSamplingRequired(Int64.self, forKey: .bytesPerSecond)
        let burst = try c.decodeIfPresent(Int64.self, forKey: .burstCapacity) ?? 0
        burstCapacity = burst == 0 ? bytesPerSecond * 2 : burst
    }

    func validate(path: String) throws(ConfigError) {
        if bytesPerSecond < 1 { throw .invalidValue(path: path + ".bytes_per_second", reason: "must be at least 1, got \(bytesPerSecond)") }
        if burstCapacity < 1 { throw .invalidValue(path: path + ".burst_capacity", reason: "must be at least 1, got \(burstCapacity)") }
    }
}

/// `span_count: { min_spans, max_spans }`: the trace's span count within `min_spans...max_spans`
/// (`max_spans` 0 means no upper bound).
public struct SpanCountPolicyConfig: Decodable, Sendable, Hashable {
    public var minSpans: Int
    public var maxSpans: Int

    public init(minSpans: Int, maxSpans: Int = 0) {
        self.minSpans = minSpans
        self.maxSpans = maxSpans
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case minSpans = "min_spans"
        case maxSpans = "max_spans"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minSpans = try c.decodeIfPresent(Int.self, forKey: .minSpans) ?? 0
        maxSpans = try c.decodeIfPresent(Int.self, forKey: .maxSpans) ?? 0
    }

    func validate(path: String) throws(ConfigError) {
        if minSpans < 0 { throw .invalidValue(path: path + ".min_spans", reason: "must not be negative, got \(minSpans)") }
        if maxSpans < 0 || (maxSpans > 0 && maxSpans < minSpans) {
            throw .invalidValue(path: path + ".max_spans", reason: "must be 0 (no upper bound) or at least min_spans (\(minSpans)), got \(maxSpans)")
        }
    }
}

/// `trace_state: { key, values }`: a span whose W3C `tracestate` has `key` set to one of `values`.
public struct TraceStatePolicyConfig: Decodable, Sendable, Hashable {
    public var key: String
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case key, values }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.tailSamplingRequired(String.self, forKey: .key)
        values = try c.tailSamplingRequired([String].self, forKey: .values)
    }

    func validate(path: String) throws(ConfigError) {
        if key.isEmpty { throw .invalidValue(path: path + ".key", reason: "must not be empty") }
        if values.isEmpty { throw .invalidValue(path: path + ".values", reason: "list at least one value") }
    }
}

/// `composite: { max_total_spans_per_second, policy_order, composite_sub_policy, rate_allocation }`.
///
/// Sub-policies are tried in `policy_order` (then any not listed, in config order). The first
/// that samples a trace takes it if its share of `max_total_spans_per_second`
/// (`rate_allocation` percent; an equal share `max / number of sub-policies` when it has no
/// entry) and the total still have room this second; if not, later sub-policies may still take
/// it with their own share, as in the collector.
public struct CompositePolicyConfig: Decodable, Sendable, Hashable {
    /// One `rate_allocation` entry.
    public struct RateAllocation: Decodable, Sendable, Hashable {
        public var policy: String
        public var percent: Double

        public init(policy: String, percent: Double) {
            self.policy = policy
            self.percent = percent
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case policy, percent }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            policy = try c.tailSamplingRequired(String.self, forKey: .policy)
            percent = try c.tailSamplingRequired(Double.self, forKey: .percent)
        }
    }

    public var maxTotalSpansPerSecond: Int
    public var policyOrder: [String]
    public var subPolicies: [SamplingPolicyConfig]
    public var rateAllocation: [RateAllocation]

    public init(maxTotalSpansPerSecond: Int, policyOrder: [String], subPolicies: [SamplingPolicyConfig], rateAllocation: [RateAllocation]) {
        self.maxTotalSpansPerSecond = maxTotalSpansPerSecond
        self.policyOrder = policyOrder
        self.subPolicies = subPolicies
        self.rateAllocation = rateAllocation
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case maxTotalSpansPerSecond = "max_total_spans_per_second"
        case policyOrder = "policy_order"
        case subPolicies = "composite_sub_policy"
        case rateAllocation = "rate_allocation"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxTotalSpansPerSecond = try c.tailSamplingRequired(Int.self, forKey: .maxTotalSpansPerSecond)
        policyOrder = try c.decodeIfPresent([String].self, forKey: .policyOrder) ?? []
        subPolicies = try c.tailSamplingRequired([SamplingPolicyConfig].self, forKey: .subPolicies)
        rateAllocation = try c.decodeIfPresent([RateAllocation].self, forKey: .rateAllocation) ?? []
    }

    func validate(path: String) throws(ConfigError) {
        if maxTotalSpansPerSecond < 1 {
            throw .invalidValue(path: path + ".max_total_spans_per_second", reason: "must be at least 1, got \(maxTotalSpansPerSecond)")
        }
        if subPolicies.isEmpty { throw .invalidValue(path: path + ".composite_sub_policy", reason: "list at least one sub-policy") }
        try SamplingPolicyConfig.validate(subPolicies, path: path + ".composite_sub_policy")
        let names = Set(subPolicies.map(\.name))
        var ordered: Set<String> = []
        for (index, name) in policyOrder.enumerated() {
            if !names.contains(name) {
                throw .invalidValue(path: path + ".policy_order[\(index)]", reason: "'\(name)' is not a composite_sub_policy; known: \(subPolicies.map(\.name).joined(separator: ", "))")
            }
            if !ordered.insert(name).inserted { throw .invalidValue(path: path + ".policy_order[\(index)]", reason: "'\(name)' is listed twice") }
        }
        var allocated: Set<String> = []
        var total = 0.0
        for (index, entry) in rateAllocation.enumerated() {
            let here = path + ".rate_allocation[\(index)]"
            if !names.contains(entry.policy) {
                throw .invalidValue(path: here + ".policy", reason: "'\(entry.policy)' is not a composite_sub_policy; known: \(subPolicies.map(\.name).joined(separator: ", "))")
            }
            if !allocated.insert(entry.policy).inserted { throw .invalidValue(path: here + ".policy", reason: "'\(entry.policy)' has two allocations") }
            if !(0...100).contains(entry.percent) { throw .invalidValue(path: here + ".percent", reason: "must be between 0 and 100, got \(entry.percent)") }
            total += entry.percent
        }
        if total > 100 { throw .invalidValue(path: path + ".rate_allocation", reason: "percentages add up to \(total), more than 100") }
    }
}
