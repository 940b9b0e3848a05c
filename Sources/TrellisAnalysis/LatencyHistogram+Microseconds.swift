import TrellisModel

extension LatencyHistogram {
    /// The duration at or below which `fraction` of the recorded durations lie, whole
    /// microseconds (truncated); nil when nothing was recorded.
    func quantileMicros(_ fraction: Double) -> UInt64? {
        total == 0 ? nil : quantile(fraction) / 1_000
    }
}
