import TrellisModel

/// The answer of an attribute policy, honouring `invert_match` as the collector does.
private func attributeDecision(matched: Bool, invert: Bool) -> PolicyDecision {
    if invert { return matched ? .invertNotSampled : .invertSampled }
    return matched ? .sampled : .notSampled
}

/// `string_attribute`: a resource or span string attribute equal to one of `values`, or with
/// `enabled_regex_matching`, containing a match of one of them. Regex results are remembered
/// per attribute value, for up to `cache_max_size` values.
final class StringAttributePolicy: SamplingPolicy {
    private let key: String
    private let exact: Set<String>
    private let patterns: [Regex<AnyRegexOutput>]
    private let regexMode: Bool
    private let invert: Bool
    private let cacheLimit: Int
    private var cache: [String: Bool] = [:]

    init(_ config: StringAttributePolicyConfig) {
        key = config.key
        invert = config.invertMatch
        regexMode = config.enabledRegexMatching
        cacheLimit = config.cacheMaxSize
        exact = regexMode ? [] : Set(config.values)
        // validate() has checked that every pattern compiles.
        patterns = regexMode ? config.values.compactMap { try? Regex($0) } : []
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        let matched = trace.anyAttribute(key) { value in
            guard case .string(let s) = value else { return false }
            return regexMode ? regexMatches(s) : exact.contains(s)
        }
        return attributeDecision(matched: matched, invert: invert)
    }

    private func regexMatches(_ value: String) -> Bool {
        if let known = cache[value] { return known }
        let result = patterns.contains { value.contains($0) }
        if cacheLimit > 0 {
            if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[value] = result
        }
        return result
    }
}

/// `numeric_attribute`: a resource or span integer (or double) attribute within
/// `min_value...max_value`.
final class NumericAttributePolicy: SamplingPolicy {
    private let key: String
    private let lower: Double
    private let upper: Double
    private let invert: Bool

    init(_ config: NumericAttributePolicyConfig) {
        key = config.key
        lower = config.minValue.map(Double.init) ?? -.infinity
        upper = config.maxValue.map(Double.init) ?? .infinity
        invert = config.invertMatch
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        let matched = trace.anyAttribute(key) { value in
            switch value {
            case .int(let i):
                let d = Double(i)
                return d >= lower && d <= upper
            case .double(let d):
                return d >= lower && d <= upper
            default:
                return false
            }
        }
        return attributeDecision(matched: matched, invert: invert)
    }
}

/// `boolean_attribute`: a resource or span boolean attribute equal to `value`.
final class BooleanAttributePolicy: SamplingPolicy {
    private let key: String
    private let value: Bool
    private let invert: Bool

    init(_ config: BooleanAttributePolicyConfig) {
        key = config.key
        value = config.value
        invert = config.invertMatch
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        let expected = value
        let matched = trace.anyAttribute(key) { $0 == .bool(expected) }
        return attributeDecision(matched: matched, invert: invert)
    }
}
