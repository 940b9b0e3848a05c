/// A mergeable histogram of durations with log-linear buckets, for the p50/p99 figures of
/// dependency edges and services.
///
/// Durations under 1,024 ns share bucket 0. Above that, each doubling of the duration is
/// split into 8 equal buckets, so a reported percentile is within 12.5 % of the true value.
/// Only non-empty buckets are kept: an edge with a few distinct latencies stays small.
public struct LatencyHistogram: Hashable, Sendable {
    /// Bucket index → number of durations in it.
    public private(set) var counts: [UInt16: UInt64]

    private static let smallestExponent = 10
    private static let subBucketBits = 3

    public init(counts: [UInt16: UInt64] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    /// The number of durations recorded.
    public var total: UInt64 { counts.values.reduce(0, +) }

    /// Records one duration.
    public mutating func record(nanos: UInt64) {
        counts[Self.bucket(of: nanos), default: 0] += 1
    }

    /// Adds every duration of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        for (bucket, count) in other.counts { counts[bucket, default: 0] += count }
    }

    /// The duration at or below which `fraction` (0…1) of the recorded durations lie, in
    /// nanoseconds: the upper bound of the bucket holding its nearest rank (`NearestRank`); 0 when
    /// nothing was recorded.
    public func quantile(_ fraction: Double) -> UInt64 {
        let total = total
        guard total > 0 else { return 0 }
        let rank = NearestRank.of(fraction, count: total)
        var seen: UInt64 = 0
        for bucket in counts.keys.sorted() {
            seen += counts[bucket]!
            if seen >= rank { return Self.upperBound(of: bucket) }
        }
        return 0
    }

    /// The bucket a duration falls into.
    public static func bucket(of nanos: UInt64) -> UInt16 {
        let exponent = 63 - nanos.leadingZeroBitCount
        guard nanos > 0, exponent >= smallestExponent else { return 0 }
        let sub = Int(nanos >> (exponent - subBucketBits)) & ((1 << subBucketBits) - 1)
        return UInt16(((exponent - smallestExponent) << subBucketBits) + sub + 1)
    }

    /// The largest duration, in nanoseconds, that falls into `bucket`.
    public static func upperBound(of bucket: UInt16) -> UInt64 {
        guard bucket > 0 else { return (1 << smallestExponent) - 1 }
        let exponent = Int(bucket - 1) >> subBucketBits + smallestExponent
        let sub = UInt64(Int(bucket - 1) & ((1 << subBucketBits) - 1))
        let next = (UInt64(1) << subBucketBits) + sub + 1
        let (end, overflow) = next.multipliedReportingOverflow(by: UInt64(1) << (exponent - subBucketBits))
        return overflow ? UInt64.max : end - 1
    }
}
