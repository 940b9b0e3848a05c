import TrellisModel

/// Accepts spans for storage, as Jaeger v2's `tracestore.Writer`.
///
/// A batch may hold spans of many traces, and a trace's spans may arrive over several
/// batches; stores join them by trace ID.
public protocol TraceWriter: Sendable {
    /// Stores every span of the batch. When this returns, readers of the same store see the spans.
    func write(_ batch: TraceBatch) async throws
}
