import TrellisModel

extension SpanConsumer {
    /// Hands on slices that the pipeline has already acknowledged: when this consumer refuses
    /// them, waits (10 ms, doubling up to 1 s) and tries again, because those spans must not be lost.
    public func deliverAccepted(_ slices: [TraceSlice]) async {
        var delay = Duration.milliseconds(10)
        while true {
            do {
                try await consume(slices)
                return
            } catch {
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }
}
