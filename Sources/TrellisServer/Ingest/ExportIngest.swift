import TrellisCodec
import TrellisModel
import TrellisPipeline

/// The path every receiver shares after decoding: repair what `SpanRepair` repairs, split the valid spans by trace once
/// (`TraceSlice.slices`), hand them to the pipeline's entry consumer, count what happened, and
/// report the outcome for the transport to map onto its own status codes.
public struct ExportIngest: Sendable {
    private let consumer: any SpanConsumer
    private let indexedKeys: IndexedKeys
    private let clock: @Sendable () -> UInt64

    /// - Parameters:
    ///   - indexedKeys: the attribute keys the stores index, whose values the slices' summaries collect.
    ///   - clock: the receive time in Unix nanoseconds, for spans that carry no time (`SpanRepair`).
    public init(consumer: any SpanConsumer, indexedKeys: IndexedKeys, clock: @escaping @Sendable () -> UInt64 = WallClock.nowNanos) {
        self.consumer = consumer
        self.indexedKeys = indexedKeys
        self.clock = clock
    }

    /// Submits decoded spans. Returns the spans rejected individually (for partial success),
    /// or throws `.refused` when the pipeline did not take them.
    public func submit(_ decoded: DecodedTraces, metrics: ReceiverMetrics) async throws(ExportFailure) -> SpanRejections {
        var decoded = decoded
        let count = decoded.batch.spanCount
        if decoded.rejections.count > 0 { metrics.rejected.increment(by: decoded.rejections.count) }
        guard count > 0 else { return decoded.rejections }
        metrics.repaired(SpanRepair(receiveTimeUnixNano: clock()).apply(to: &decoded))
        do {
            try await consumer.consume(TraceSlice.slices(of: decoded.batch, indexedKeys: indexedKeys))
        } catch {
            metrics.refused.increment(by: count)
            throw .refused(error)
        }
        metrics.accepted.increment(by: count)
        if decoded.base64IDSpans > 0 { metrics.base64IDSpans.increment(by: decoded.base64IDSpans) }
        return decoded.rejections
    }

    /// Counts a request that failed before reaching the pipeline.
    public func record(_ failure: ExportFailure, metrics: ReceiverMetrics) {
        switch failure {
        case .invalidBody: metrics.failedRequest(reason: "bad_body")
        case .tooLarge: metrics.failedRequest(reason: "too_large")
        case .refused: break
        }
    }
}
