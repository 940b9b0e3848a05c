import TrellisModel

/// The one interface pipeline components meet through: receivers hand slices to a consumer,
/// processors are consumers that wrap the next one, exporters are the last consumers.
///
/// The unit is `TraceSlice`: the spans of one trace from one resource, split once when a
/// request is decoded and summarised then. `consume` takes the slices of one request (or of
/// one hand-over between stages); stages hand slices on as they are, never regrouping spans.
///
/// `consume` returns once the slices are accepted: from then on the pipeline owns them and
/// accounts for every span (exported or counted as dropped). It throws `PipelineRefusal`
/// when they are refused, so the receiver can answer with a retryable status.
public protocol SpanConsumer: Sendable {
    func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal)

    /// Graceful shutdown: refuses new slices (`PipelineRefusal.shuttingDown`), hands everything
    /// accepted so far to the next stage, then shuts that stage down with the same deadline.
    /// Retries stop at `deadline`; what could not be handed on by then is counted in
    /// `trellis_processor_dropped_spans_total{reason="shutdown_timeout"}`, never spun on.
    func shutdown(deadline: ContinuousClock.Instant) async
}
