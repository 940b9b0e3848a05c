import CoreMetrics

/// The tail sampler's self-metrics, created once (every dimension value is known up front).
struct TailSamplingMetrics: Sendable {
    let sampledTraces: Counter
    /// By the policy that decided; "none" when no policy wanted the trace.
    let notSampledTraces: [String: Counter]
    let droppedSpans: Counter
    let shutdownDroppedSpans: Counter
    let decidedEarlyBufferFull: Counter
    let decidedEarlyRootReceived: Counter
    let lateSpansSampled: Counter
    let lateSpansNotSampled: Counter
    let bufferedTraces: Gauge
    let bufferedSpans: Gauge

    init(policyNames: [String], factory: any MetricsFactory) {
        sampledTraces = Counter(label: "trellis_processor_tail_sampling_sampled_traces_total", dimensions: [], factory: factory)
        var notSampled: [String: Counter] = [:]
        for name in policyNames + ["none"] where notSampled[name] == nil {
            notSampled[name] = Counter(label: "trellis_processor_tail_sampling_not_sampled_traces_total", dimensions: [("policy", name)], factory: factory)
        }
        notSampledTraces = notSampled
        droppedSpans = Counter(label: "trellis_processor_dropped_spans_total", dimensions: [("processor", "tail_sampling"), ("reason", "not_sampled")], factory: factory)
        shutdownDroppedSpans = shutdownDropCounter(processor: "tail_sampling", factory: factory)
        decidedEarlyBufferFull = Counter(label: "trellis_processor_tail_sampling_decided_early_total", dimensions: [("reason", "num_traces")], factory: factory)
        decidedEarlyRootReceived = Counter(label: "trellis_processor_tail_sampling_decided_early_total", dimensions: [("reason", "root_received")], factory: factory)
        lateSpansSampled = Counter(label: "trellis_processor_tail_sampling_late_spans_total", dimensions: [("decision", "sampled")], factory: factory)
        lateSpansNotSampled = Counter(label: "trellis_processor_tail_sampling_late_spans_total", dimensions: [("decision", "not_sampled")], factory: factory)
        bufferedTraces = Gauge(label: "trellis_processor_tail_sampling_buffered_traces", dimensions: [], factory: factory)
        bufferedSpans = Gauge(label: "trellis_processor_tail_sampling_buffered_spans", dimensions: [], factory: factory)
    }

    /// Records how many traces and spans wait for a decision.
    func buffered(traces: Int, spans: Int) {
        bufferedTraces.record(traces)
        bufferedSpans.record(spans)
    }

    func notSampled(by policy: String) -> Counter {
        notSampledTraces[policy] ?? notSampledTraces["none"]!
    }
}
