import TrellisModel

/// Dependency summaries per one-minute bucket of span start times, as the stores aggregate them
/// at write time, and the bucket arithmetic every store shares.
///
/// A dependency query over `start...end` adds up every bucket that overlaps the range: the
/// range is widened to whole minutes. In memory the buckets are bounded by `maxBuckets`:
/// past it, the oldest buckets are dropped.
package struct DependencyBuckets: Sendable {
    /// The width of a bucket: one minute, in nanoseconds.
    static let bucketNanos: UInt64 = 60_000_000_000

    /// How many buckets the ring keeps by default: the newest hour that received spans.
    static let defaultMaxBuckets = 60

    let maxBuckets: Int
    private(set) var buckets: [UInt64: DependencySummary] = [:]

    init(maxBuckets: Int = DependencyBuckets.defaultMaxBuckets) {
        self.maxBuckets = max(1, maxBuckets)
    }

    /// The summaries of a batch, per bucket start.
    package static func of(_ batch: TraceBatch) -> [UInt64: DependencySummary] {
        DependencySummary.bucketed(batch, bucketNanos: bucketNanos)
    }

    /// The starts of the first and the last bucket overlapping `start...end`.
    /// Throws when the range is inverted.
    package static func bucketRange(from start: UInt64, to end: UInt64) throws(StorageError) -> ClosedRange<UInt64> {
        guard start <= end else { throw .invertedTimeRange(start: start, end: end) }
        return (start - start % bucketNanos)...(end - end % bucketNanos)
    }

    /// Adds a write's summaries, then drops the oldest buckets beyond `maxBuckets`.
    mutating func add(_ bucketed: [UInt64: DependencySummary]) {
        for (bucket, summary) in bucketed {
            buckets[bucket, default: DependencySummary()].merge(summary)
        }
        guard buckets.count > maxBuckets else { return }
        for bucket in buckets.keys.sorted().prefix(buckets.count - maxBuckets) {
            buckets[bucket] = nil
        }
    }

    /// Everything in the buckets overlapping `start...end`.
    func summary(from start: UInt64, to end: UInt64) throws(StorageError) -> DependencySummary {
        let range = try Self.bucketRange(from: start, to: end)
        var out = DependencySummary()
        for (bucket, summary) in buckets where range.contains(bucket) { out.merge(summary) }
        return out
    }
}
