import TrellisModel

/// What one policy says about one trace, with the collector's decision kinds.
enum PolicyDecision: Hashable, Sendable {
    case sampled
    case notSampled
    /// From an `invert_match` policy whose values did not match: samples, unless another
    /// policy answered plain `notSampled`.
    case invertSampled
    /// From an `invert_match` policy whose values matched: vetoes sampling.
    case invertNotSampled
    /// From a `drop` policy whose sub-policies all matched: vetoes sampling.
    case dropped

    /// Whether a compound policy (`and`, `composite`, `drop`) counts this as a match.
    var isSampling: Bool { self == .sampled || self == .invertSampled }
}

/// A policy evaluator. Evaluators run under the processor's lock, one at a time, so stateful
/// ones (rate limits, regex caches) need no locking of their own.
protocol SamplingPolicy: AnyObject {
    /// - Parameter now: the processor clock (time since the processor started).
    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision
}

/// A top-level policy with its name, as the processor runs it.
struct NamedPolicy {
    let name: String
    let isDrop: Bool
    let evaluator: any SamplingPolicy

    init(_ config: SamplingPolicyConfig) {
        name = config.name
        if case .drop = config.policy { isDrop = true } else { isDrop = false }
        evaluator = makeSamplingPolicy(config.policy)
    }
}

/// Builds the evaluator for a configured policy (sub-policies included).
func makeSamplingPolicy(_ kind: SamplingPolicyKind) -> any SamplingPolicy {
    switch kind {
    case .alwaysSample: return AlwaysSamplePolicy()
    case .latency(let c): return LatencyPolicy(c)
    case .statusCode(let c): return StatusCodePolicy(c)
    case .stringAttribute(let c): return StringAttributePolicy(c)
    case .numericAttribute(let c): return NumericAttributePolicy(c)
    case .booleanAttribute(let c): return BooleanAttributePolicy(c)
    case .probabilistic(let c): return ProbabilisticPolicy(c)
    case .rateLimiting(let c): return RateLimitingPolicy(c)
    case .bytesLimiting(let c): return BytesLimitingPolicy(c)
    case .spanCount(let c): return SpanCountPolicy(c)
    case .traceState(let c): return TraceStatePolicy(c)
    case .and(let subs): return AndPolicy(subs.map { makeSamplingPolicy($0.policy) })
    case .not(let sub): return NotPolicy(makeSamplingPolicy(sub.policy))
    case .drop(let subs): return DropPolicy(subs.map { makeSamplingPolicy($0.policy) })
    case .composite(let c): return CompositePolicy(c)
    }
}

/// The outcome of running every top-level policy on a trace.
struct FinalDecision: Equatable {
    var sampled: Bool
    /// For a not-sampled trace: the policy that vetoed it (a `drop` policy or an `invert_match`
    /// match), or "none" when no policy wanted it.
    var policy: String
}

/// Runs the policies and combines their answers as the collector does:
/// 1. a `drop` policy that matches → not sampled (drop policies run first; a match stops evaluation);
/// 2. an `invert_match` policy that matched (`invertNotSampled`) → not sampled;
/// 3. any policy answered `sampled` → sampled;
/// 4. an `invert_match` policy that did not match (`invertSampled`) and no plain
///    `notSampled` answer → sampled;
/// 5. otherwise not sampled.
/// Every other policy is evaluated even after one samples, so rate limits count every sampled trace.
func decide(_ trace: PendingTrace, policies: [NamedPolicy], now: Duration) -> FinalDecision {
    for policy in policies where policy.isDrop {
        if policy.evaluator.evaluate(trace, now: now) == .dropped { return FinalDecision(sampled: false, policy: policy.name) }
    }
    var sampled = false
    var invertSampled = false
    var notSampled = false
    var vetoedBy: String?
    for policy in policies where !policy.isDrop {
        switch policy.evaluator.evaluate(trace, now: now) {
        case .sampled: sampled = true
        case .invertSampled: invertSampled = true
        case .notSampled: notSampled = true
        case .invertNotSampled, .dropped: if vetoedBy == nil { vetoedBy = policy.name }
        }
    }
    if let vetoedBy { return FinalDecision(sampled: false, policy: vetoedBy) }
    if sampled || (invertSampled && !notSampled) { return FinalDecision(sampled: true, policy: "") }
    return FinalDecision(sampled: false, policy: "none")
}
