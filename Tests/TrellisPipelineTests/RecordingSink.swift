import Synchronization
import TrellisCodec
import TrellisModel
import TrellisPipeline

/// The last stage of a test pipeline: keeps every hand-over of slices it is given.
final class RecordingSink: SpanConsumer {
    private let received = Mutex<[[TraceSlice]]>([])
    private let drained = Atomic<Bool>(false)

    /// Each hand-over's spans under their resources and scopes (decoded when encoded).
    var batches: [TraceBatch] { received.withLock { $0 }.map(\.batch) }
    var spans: [Span] { batches.flatMap { $0.flattened.map(\.span) } }
    var wasDrained: Bool { drained.load(ordering: .relaxed) }

    func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        received.withLock { $0.append(slices) }
    }

    func shutdown(deadline: ContinuousClock.Instant) async {
        drained.store(true, ordering: .relaxed)
    }
}

enum TestBatches {
    static func make(spans: Int, seed: UInt64 = 1) -> TraceBatch {
        var random = SplitMix64(seed: seed)
        return SyntheticTraces().request(spanCount: spans, startNanos: 1_700_000_000_000_000_000, random: &random)
    }
}

extension SpanConsumer {
    /// Hands on a request's spans split into slices, as the receivers do.
    func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        try await consume(batch.slices)
    }
}

extension TraceBatch {
    /// The batch split into slices as the receivers split a request.
    var slices: [TraceSlice] { TraceSlice.slices(of: self, indexedKeys: .none) }
}

extension Array where Element == TraceSlice {
    /// The slices' spans under their resources and scopes, decoded when encoded.
    var batch: TraceBatch { try! SliceDecoder().batch(of: map(\.content)) }
}
