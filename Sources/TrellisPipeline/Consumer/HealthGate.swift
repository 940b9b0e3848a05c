import TrellisModel

/// The pipeline's entry: refuses new slices, retryably, while `PipelineHealth` has a standing
/// problem (`PipelineRefusal.unavailable`), so senders keep their data and retry instead of the
/// process holding more and more of what it cannot store. Otherwise hands slices on.
public struct HealthGate: SpanConsumer {
    private let health: PipelineHealth
    private let next: any SpanConsumer

    public init(health: PipelineHealth, next: any SpanConsumer) {
        self.health = health
        self.next = next
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        let problems = health.standingProblems
        guard problems.isEmpty else { throw .unavailable(reason: problems.joined(separator: "; ")) }
        try await next.consume(slices)
    }

    public func shutdown(deadline: ContinuousClock.Instant) async {
        await next.shutdown(deadline: deadline)
    }
}
