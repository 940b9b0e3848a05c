import TrellisModel

/// Hands the slices to several consumers (a pipeline with several exporters).
/// They are accepted only when every consumer accepts them.
public struct FanOutConsumer: SpanConsumer {
    private let consumers: [any SpanConsumer]

    public init(_ consumers: [any SpanConsumer]) {
        self.consumers = consumers
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        for consumer in consumers { try await consumer.consume(slices) }
    }

    public func shutdown(deadline: ContinuousClock.Instant) async {
        for consumer in consumers { await consumer.shutdown(deadline: deadline) }
    }
}
