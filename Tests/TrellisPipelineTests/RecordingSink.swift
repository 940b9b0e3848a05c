import Synchronization
import TrellisModel
import TrellisPipeline

/// The last stage of a test pipeline: keeps every batch it is given.
final class RecordingSink: SpanConsumer {
    private let received = Mutex<[TraceBatch]>([])
    private let drained = Atomic<Bool>(false)

    var batches: [TraceBatch] { received.withLock { $0 } }
    var spans: [Span] { batches.flatMap { $0.flattened.map(\.span) } }
    var wasDrained: Bool { drained.load(ordering: .relaxed) }

    func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        received.withLock { $0.append(batch) }
    }

    func drain() async {
        drained.store(true, ordering: .relaxed)
    }
}

enum TestBatches {
    static func make(spans: Int, seed: UInt64 = 1) -> TraceBatch {
        var random = SplitMix64(seed: seed)
        return SyntheticTraces().request(spanCount: spans, startNanos: 1_700_000_000_000_000_000, random: &random)
    }
}
