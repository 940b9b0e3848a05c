import TrellisModel

/// The whole second of the processor clock that `now` falls in.
func secondOf(_ now: Duration) -> Int64 { now.components.seconds }

/// `rate_limiting`: a budget of `spans_per_second` spans per clock second, refilled at each
/// new second (as the collector). A trace is sampled when its spans fit in what is left.
final class RateLimitingPolicy: SamplingPolicy {
    private let limit: Int
    private var second: Int64 = .min
    private var used = 0

    init(_ config: RateLimitingPolicyConfig) { limit = config.spansPerSecond }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        let current = secondOf(now)
        if current != second {
            second = current
            used = 0
        }
        guard used + trace.spanCount <= limit else { return .notSampled }
        used += trace.spanCount
        return .sampled
    }
}

/// `bytes_limiting`: a token bucket of bytes, refilled continuously at `bytes_per_second` up to
/// `burst_capacity` and starting full. A trace is sampled when its OTLP encoded size fits in
/// the tokens left, which it then takes.
final class BytesLimitingPolicy: SamplingPolicy {
    private let rate: Double
    private let capacity: Double
    private var tokens: Double
    private var lastRefill: Duration?

    init(_ config: BytesLimitingPolicyConfig) {
        rate = Double(config.bytesPerSecond)
        capacity = Double(config.burstCapacity)
        tokens = capacity
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        if let lastRefill, now > lastRefill {
            let elapsed = now - lastRefill
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(capacity, tokens + seconds * rate)
        }
        lastRefill = max(lastRefill ?? now, now)
        let size = Double(OTLPWireSize.trace(trace))
        guard size <= tokens else { return .notSampled }
        tokens -= size
        return .sampled
    }
}

/// `composite`: sub-policies in `policy_order`, each with a spans-per-second share of
/// `max_total_spans_per_second`. The first sub-policy that samples a trace takes it if its share
/// and the total have room this second; otherwise later sub-policies get their chance.
final class CompositePolicy: SamplingPolicy {
    private final class Sub {
        let evaluator: any SamplingPolicy
        let allocation: Int
        var used = 0

        init(evaluator: any SamplingPolicy, allocation: Int) {
            self.evaluator = evaluator
            self.allocation = allocation
        }
    }

    private let maxTotal: Int
    private let subs: [Sub]
    private var second: Int64 = .min
    private var usedTotal = 0

    init(_ config: CompositePolicyConfig) {
        maxTotal = config.maxTotalSpansPerSecond
        let byName = Dictionary(config.subPolicies.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var order = config.policyOrder.filter { byName[$0] != nil }
        order += config.subPolicies.map(\.name).filter { !order.contains($0) }
        let percents = Dictionary(config.rateAllocation.map { ($0.policy, $0.percent) }, uniquingKeysWith: { first, _ in first })
        let equalShare = config.maxTotalSpansPerSecond / max(1, config.subPolicies.count)
        subs = order.compactMap { name in
            guard let sub = byName[name] else { return nil }
            let allocation = percents[name].map { Int($0 * Double(config.maxTotalSpansPerSecond) / 100) } ?? equalShare
            return Sub(evaluator: makeSamplingPolicy(sub.policy), allocation: allocation)
        }
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        let current = secondOf(now)
        if current != second {
            second = current
            usedTotal = 0
            for sub in subs { sub.used = 0 }
        }
        let spans = trace.spanCount
        for sub in subs where sub.evaluator.evaluate(trace, now: now).isSampling {
            if sub.used + spans <= sub.allocation && usedTotal + spans <= maxTotal {
                sub.used += spans
                usedTotal += spans
                return .sampled
            }
        }
        return .notSampled
    }
}
