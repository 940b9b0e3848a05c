import CoreMetrics
import TrellisCodec

/// The counters one receiver transport reports, in the OpenTelemetry Collector's vocabulary:
/// spans accepted into the pipeline, refused by it (retryable), rejected as invalid
/// (partial success), requests that failed as a whole, by reason, the bytes received
/// (request bodies as sent, before gzip inflation), and spans whose IDs came in base64.
public struct ReceiverMetrics: Sendable {
    public let accepted: Counter
    public let refused: Counter
    public let rejected: Counter
    public let receivedBytes: Counter
    /// Accepted spans whose IDs came in base64 instead of hex (OTLP/JSON): tells an operator which
    /// senders' exporters to get fixed.
    public let base64IDSpans: Counter
    private let identity: ReceiverIdentity
    private let factory: any MetricsFactory

    public init(identity: ReceiverIdentity, factory: any MetricsFactory) {
        let labels = [("receiver", identity.receiver), ("transport", identity.transport)]
        accepted = Counter(label: "trellis_receiver_accepted_spans_total", dimensions: labels, factory: factory)
        refused = Counter(label: "trellis_receiver_refused_spans_total", dimensions: labels, factory: factory)
        rejected = Counter(label: "trellis_receiver_rejected_spans_total", dimensions: labels, factory: factory)
        receivedBytes = Counter(label: "trellis_receiver_received_bytes_total", dimensions: labels, factory: factory)
        base64IDSpans = Counter(label: "trellis_receiver_base64_id_spans_total", dimensions: labels, factory: factory)
        self.identity = identity
        self.factory = factory
    }

    /// Counts spans `SpanRepair` repaired, by kind of repair (`invalid_utf8`, `blank_name`, `missing_start`, ...).
    public func repaired(_ counts: SpanRepair.Counts) {
        for (kind, count) in counts.byKind where count > 0 {
            Counter(label: "trellis_receiver_repaired_spans_total",
                    dimensions: [("receiver", identity.receiver), ("transport", identity.transport), ("repair", kind)],
                    factory: factory).increment(by: count)
        }
    }

    /// Counts a request that failed before reaching the pipeline (`reason`: `bad_body`, `too_large`, `media_type`, ...).
    public func failedRequest(reason: String) {
        Counter(label: "trellis_receiver_failed_requests_total",
                dimensions: [("receiver", identity.receiver), ("transport", identity.transport), ("reason", reason)],
                factory: factory).increment()
    }
}
