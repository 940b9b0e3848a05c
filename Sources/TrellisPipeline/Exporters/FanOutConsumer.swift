import TrellisModel

/// Hands each batch to several consumers (a pipeline with several exporters).
/// The batch is accepted only when every consumer accepts it.
public struct FanOutConsumer: SpanConsumer {
    private let consumers: [any SpanConsumer]

    public init(_ consumers: [any SpanConsumer]) {
        self.consumers = consumers
    }

    public func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        for consumer in consumers { try await consumer.consume(batch) }
    }

    public func drain() async {
        for consumer in consumers { await consumer.drain() }
    }
}
