import TrellisModel

/// The one interface pipeline components meet through: receivers hand batches to a consumer,
/// processors are consumers that wrap the next one, exporters are the last consumers.
///
/// `consume` returns once the batch is accepted: from then on the pipeline owns it and
/// accounts for every span (exported or counted as dropped). It throws `PipelineRefusal`
/// when the batch is refused, so the receiver can answer with a retryable status.
public protocol SpanConsumer: Sendable {
    func consume(_ batch: TraceBatch) async throws(PipelineRefusal)

    /// Delivers everything accepted so far to the next stage; called on graceful shutdown.
    func drain() async
}
