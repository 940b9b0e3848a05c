import TrellisModel

/// `and`: sampled when every sub-policy samples (stops at the first that does not).
final class AndPolicy: SamplingPolicy {
    private let subs: [any SamplingPolicy]

    init(_ subs: [any SamplingPolicy]) { self.subs = subs }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        for sub in subs where !sub.evaluate(trace, now: now).isSampling { return .notSampled }
        return .sampled
    }
}

/// `not`: the opposite of its one sub-policy.
final class NotPolicy: SamplingPolicy {
    private let sub: any SamplingPolicy

    init(_ sub: any SamplingPolicy) { self.sub = sub }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        sub.evaluate(trace, now: now).isSampling ? .notSampled : .sampled
    }
}

/// `drop`: `dropped` (a veto over every other policy) when every sub-policy matches.
final class DropPolicy: SamplingPolicy {
    private let subs: [any SamplingPolicy]

    init(_ subs: [any SamplingPolicy]) { self.subs = subs }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        for sub in subs where !sub.evaluate(trace, now: now).isSampling { return .notSampled }
        return .dropped
    }
}
