import TrellisModel

/// One entry of `tail_sampling.policies` (or of a compound policy's sub-policy list):
/// `{ name, type, <type>: { ... } }`, exactly as in the OpenTelemetry Collector.
public struct SamplingPolicyConfig: Decodable, Sendable, Hashable {
    /// The policy's name, used in metrics (`policy` dimension) and composite references.
    public var name: String
    /// The policy's type and its settings.
    public var policy: SamplingPolicyKind

    public init(name: String, _ policy: SamplingPolicyKind) {
        self.name = name
        self.policy = policy
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case name, type
        case alwaysSample = "always_sample"
        case latency
        case statusCode = "status_code"
        case stringAttribute = "string_attribute"
        case numericAttribute = "numeric_attribute"
        case booleanAttribute = "boolean_attribute"
        case probabilistic
        case rateLimiting = "rate_limiting"
        case bytesLimiting = "bytes_limiting"
        case spanCount = "span_count"
        case traceState = "trace_state"
        case and
        case not
        case drop
        case composite
    }

    private enum AndKeys: String, CodingKey, CaseIterable { case andSubPolicy = "and_sub_policy" }
    private enum NotKeys: String, CodingKey, CaseIterable { case notSubPolicy = "not_sub_policy" }
    private enum DropKeys: String, CodingKey, CaseIterable { case dropSubPolicy = "drop_sub_policy" }

    /// The policy types this build understands, as written in `type`.
    public static let knownTypes = CodingKeys.allCases.map(\.stringValue).filter { $0 != "name" && $0 != "type" }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.tailSamplingRequired(String.self, forKey: .name)
        let typeName = try c.tailSamplingRequired(String.self, forKey: .type)
        guard let typeKey = CodingKeys(rawValue: typeName), typeKey != .name, typeKey != .type else {
            throw ConfigError.invalidValue(
                path: ConfigPath.dotted(decoder.codingPath + [CodingKeys.type]),
                reason: "unknown policy type '\(typeName)'; this build knows: \(Self.knownTypes.joined(separator: ", "))")
        }
        // A block for another type is almost always a mistake (a wrong `type`), so say so.
        for key in c.allKeys where key != .name && key != .type && key != typeKey {
            throw ConfigError.invalidValue(
                path: ConfigPath.dotted(decoder.codingPath + [key]),
                reason: "this policy has type '\(typeName)'; a '\(key.stringValue)' block does not apply to it")
        }
        switch typeKey {
        case .alwaysSample:
            policy = .alwaysSample
        case .latency:
            policy = .latency(try c.tailSamplingRequired(LatencyPolicyConfig.self, forKey: typeKey))
        case .statusCode:
            policy = .statusCode(try c.tailSamplingRequired(StatusCodePolicyConfig.self, forKey: typeKey))
        case .stringAttribute:
            policy = .stringAttribute(try c.tailSamplingRequired(StringAttributePolicyConfig.self, forKey: typeKey))
        case .numericAttribute:
            policy = .numericAttribute(try c.tailSamplingRequired(NumericAttributePolicyConfig.self, forKey: typeKey))
        case .booleanAttribute:
            policy = .booleanAttribute(try c.tailSamplingRequired(BooleanAttributePolicyConfig.self, forKey: typeKey))
        case .probabilistic:
            policy = .probabilistic(try c.tailSamplingRequired(ProbabilisticPolicyConfig.self, forKey: typeKey))
        case .rateLimiting:
            policy = .rateLimiting(try c.tailSamplingRequired(RateLimitingPolicyConfig.self, forKey: typeKey))
        case .bytesLimiting:
            policy = .bytesLimiting(try c.tailSamplingRequired(BytesLimitingPolicyConfig.self, forKey: typeKey))
        case .spanCount:
            policy = .spanCount(try c.tailSamplingRequired(SpanCountPolicyConfig.self, forKey: typeKey))
        case .traceState:
            policy = .traceState(try c.tailSamplingRequired(TraceStatePolicyConfig.self, forKey: typeKey))
        case .and:
            let block = try Self.block(c, typeKey, AndKeys.self)
            policy = .and(try block.tailSamplingRequired([SamplingPolicyConfig].self, forKey: .andSubPolicy))
        case .not:
            let block = try Self.block(c, typeKey, NotKeys.self)
            policy = .not(try block.tailSamplingRequired(SamplingPolicyConfig.self, forKey: .notSubPolicy))
        case .drop:
            let block = try Self.block(c, typeKey, DropKeys.self)
            policy = .drop(try block.tailSamplingRequired([SamplingPolicyConfig].self, forKey: .dropSubPolicy))
        case .composite:
            policy = .composite(try c.tailSamplingRequired(CompositePolicyConfig.self, forKey: typeKey))
        case .name, .type:
            fatalError("unreachable: excluded above")
        }
    }

    private static func block<K: CodingKey & CaseIterable>(
        _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, _ keys: K.Type
    ) throws -> KeyedDecodingContainer<K> {
        guard c.contains(key) else { throw ConfigError.missingKey(path: ConfigPath.dotted(c.codingPath + [key])) }
        let sub = try c.superDecoder(forKey: key)
        try sub.rejectUnknownKeys(K.self)
        return try sub.container(keyedBy: K.self)
    }

    /// Validates a list of policies: names present and unique within the list, then each policy.
    static func validate(_ policies: [SamplingPolicyConfig], path: String) throws(ConfigError) {
        var seen: Set<String> = []
        for (index, policy) in policies.enumerated() {
            let here = "\(path)[\(index)]"
            if policy.name.isEmpty { throw .invalidValue(path: here + ".name", reason: "must not be empty") }
            if !seen.insert(policy.name).inserted {
                throw .invalidValue(path: here + ".name", reason: "policy name '\(policy.name)' is used twice in this list; names must be unique")
            }
            try policy.validate(path: here)
        }
    }

    /// Validates this policy's settings; `path` is the entry's own dotted path.
    public func validate(path: String) throws(ConfigError) {
        switch policy {
        case .alwaysSample: return
        case .latency(let c): try c.validate(path: path + ".latency")
        case .statusCode: return
        case .stringAttribute(let c): try c.validate(path: path + ".string_attribute")
        case .numericAttribute(let c): try c.validate(path: path + ".numeric_attribute")
        case .booleanAttribute(let c): try c.validate(path: path + ".boolean_attribute")
        case .probabilistic(let c): try c.validate(path: path + ".probabilistic")
        case .rateLimiting(let c): try c.validate(path: path + ".rate_limiting")
        case .bytesLimiting(let c): try c.validate(path: path + ".bytes_limiting")
        case .spanCount(let c): try c.validate(path: path + ".span_count")
        case .traceState(let c): try c.validate(path: path + ".trace_state")
        case .and(let subs):
            if subs.isEmpty { throw .invalidValue(path: path + ".and.and_sub_policy", reason: "list at least one sub-policy") }
            try Self.validate(subs, path: path + ".and.and_sub_policy")
        case .not(let sub):
            let here = path + ".not.not_sub_policy"
            if sub.name.isEmpty { throw .invalidValue(path: here + ".name", reason: "must not be empty") }
            try sub.validate(path: here)
        case .drop(let subs):
            if subs.isEmpty { throw .invalidValue(path: path + ".drop.drop_sub_policy", reason: "list at least one sub-policy") }
            try Self.validate(subs, path: path + ".drop.drop_sub_policy")
        case .composite(let c): try c.validate(path: path + ".composite")
        }
    }
}

/// A policy's type with its settings. Compound types (`and`, `not`, `drop`, `composite`)
/// hold sub-policies, which may be of any type.
public indirect enum SamplingPolicyKind: Sendable, Hashable {
    /// `always_sample`: samples every trace.
    case alwaysSample
    /// `latency`: samples traces whose duration (latest end − earliest start) is in range.
    case latency(LatencyPolicyConfig)
    /// `status_code`: samples traces with a span whose status code is listed.
    case statusCode(StatusCodePolicyConfig)
    /// `string_attribute`: samples traces with a span or resource string attribute that matches.
    case stringAttribute(StringAttributePolicyConfig)
    /// `numeric_attribute`: samples traces with a span or resource number attribute in range.
    case numericAttribute(NumericAttributePolicyConfig)
    /// `boolean_attribute`: samples traces with a span or resource boolean attribute equal to `value`.
    case booleanAttribute(BooleanAttributePolicyConfig)
    /// `probabilistic`: samples a fixed share of trace IDs, the same on every instance.
    case probabilistic(ProbabilisticPolicyConfig)
    /// `rate_limiting`: samples traces while fewer than `spans_per_second` spans were sampled this second.
    case rateLimiting(RateLimitingPolicyConfig)
    /// `bytes_limiting`: samples traces while a token bucket of bytes has room.
    case bytesLimiting(BytesLimitingPolicyConfig)
    /// `span_count`: samples traces whose span count is in range.
    case spanCount(SpanCountPolicyConfig)
    /// `trace_state`: samples traces with a span whose W3C trace state has `key` set to a listed value.
    case traceState(TraceStatePolicyConfig)
    /// `and`: samples when every sub-policy samples.
    case and([SamplingPolicyConfig])
    /// `not`: samples when its one sub-policy does not, and the other way round.
    case not(SamplingPolicyConfig)
    /// `drop`: when every sub-policy matches, the trace is not sampled whatever other policies say.
    case drop([SamplingPolicyConfig])
    /// `composite`: sub-policies in order, each with a share of a spans-per-second budget.
    case composite(CompositePolicyConfig)
}

extension KeyedDecodingContainer {
    /// Decodes a key that must be present, naming its dotted path when it is not.
    func tailSamplingRequired<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard contains(key) else { throw ConfigError.missingKey(path: ConfigPath.dotted(codingPath + [key])) }
        return try decode(T.self, forKey: key)
    }
}
