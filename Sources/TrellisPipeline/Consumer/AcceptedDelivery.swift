import TrellisModel

extension SpanConsumer {
    /// Hands on a batch that the pipeline has already acknowledged: when this consumer refuses
    /// it, waits (10 ms, doubling up to 1 s) and tries again, because those spans must not be lost.
    public func deliverAccepted(_ batch: TraceBatch) async {
        var delay = Duration.milliseconds(10)
        while true {
            do {
                try await consume(batch)
                return
            } catch {
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }
}
