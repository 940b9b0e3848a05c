import TrellisModel

/// `always_sample`.
final class AlwaysSamplePolicy: SamplingPolicy {
    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision { .sampled }
}

/// `latency`: the trace's duration is latest span end minus earliest span start.
final class LatencyPolicy: SamplingPolicy {
    private let lowerNanos: UInt64
    private let upperNanos: UInt64?

    init(_ config: LatencyPolicyConfig) {
        lowerNanos = UInt64(max(0, config.thresholdMs)) * 1_000_000
        upperNanos = config.upperThresholdMs > 0 ? UInt64(config.upperThresholdMs) * 1_000_000 : nil
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        let duration = trace.durationNanos
        if duration < lowerNanos { return .notSampled }
        if let upperNanos, duration > upperNanos { return .notSampled }
        return .sampled
    }
}

/// `status_code`: some span has one of the listed status codes.
final class StatusCodePolicy: SamplingPolicy {
    private let codes: Set<SpanStatus.Code>

    init(_ config: StatusCodePolicyConfig) { codes = Set(config.statusCodes) }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        codes.contains { trace.hasSpan(withStatus: $0) } ? .sampled : .notSampled
    }
}

/// `span_count`: the number of spans buffered for the trace.
final class SpanCountPolicy: SamplingPolicy {
    private let config: SpanCountPolicyConfig

    init(_ config: SpanCountPolicyConfig) { self.config = config }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        if trace.spanCount < config.minSpans { return .notSampled }
        if config.maxSpans > 0 && trace.spanCount > config.maxSpans { return .notSampled }
        return .sampled
    }
}

/// `trace_state`: some span's W3C trace state (`k1=v1,k2=v2`) sets `key` to a listed value.
final class TraceStatePolicy: SamplingPolicy {
    private let key: Substring
    private let values: Set<Substring>

    init(_ config: TraceStatePolicyConfig) {
        key = Substring(config.key)
        values = Set(config.values.map { Substring($0) })
    }

    func evaluate(_ trace: PendingTrace, now: Duration) -> PolicyDecision {
        trace.traceStates.contains { traceState in
            for member in traceState.split(separator: ",") {
                let trimmed = member.drop(while: { $0 == " " || $0 == "\t" })
                guard let eq = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<eq] == key {
                    var value = trimmed[trimmed.index(after: eq)...]
                    while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
                    if values.contains(value) { return true }
                }
            }
            return false
        } ? .sampled : .notSampled
    }
}
