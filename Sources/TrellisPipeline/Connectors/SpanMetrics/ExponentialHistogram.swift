import Glibc

/// A base-2 exponential histogram of positive values, as OpenTelemetry's data model defines it:
/// at scale `s` the bucket of index `i` holds the values in (2^(i·2^−s), 2^((i+1)·2^−s)], so each
/// bucket is wider than the one before by the factor 2^(2^−s); zero (and below) is counted apart.
///
/// It starts at scale 20 and keeps at most `maxSize` buckets from its lowest index in use to its
/// highest: a value that would widen that range past `maxSize` first lowers the scale by as little
/// as makes it fit, each step down merging pairs of neighbouring buckets. The spanmetrics
/// connector records durations in milliseconds.
struct ExponentialHistogram: Hashable, Sendable {
    /// The scale a histogram starts at: OpenTelemetry's greatest.
    static let initialScale = 20

    let maxSize: Int
    private(set) var scale = ExponentialHistogram.initialScale
    /// Values at or below zero.
    private(set) var zeroCount: UInt64 = 0
    /// The index of `counts[0]`.
    private(set) var offset = 0
    /// Values per bucket from index `offset` on; empty until a value above zero is recorded.
    private(set) var counts: [UInt64] = []

    /// - Parameter maxSize: at least 2 (lowering the scale merges buckets in pairs).
    init(maxSize: Int) {
        precondition(maxSize >= 2, "an exponential histogram needs room for 2 buckets")
        self.maxSize = maxSize
    }

    /// Counts one value.
    mutating func record(_ value: Double) {
        guard value > 0 else {
            zeroCount += 1
            return
        }
        var index = Self.index(of: value, scale: scale)
        if counts.isEmpty {
            offset = index
            counts = [1]
            return
        }
        let low = min(offset, index), high = max(offset + counts.count - 1, index)
        var change = 0
        while (high >> change) - (low >> change) >= maxSize { change += 1 }
        if change > 0 {
            downscale(by: change)
            index >>= change
        }
        if index < offset {
            counts.insert(contentsOf: repeatElement(0, count: offset - index), at: 0)
            offset = index
        } else if index >= offset + counts.count {
            counts.append(contentsOf: repeatElement(0, count: index - offset - counts.count + 1))
        }
        counts[index - offset] += 1
    }

    /// Lowers the scale by `change`: bucket `i` becomes bucket `i >> change` (rounding down).
    private mutating func downscale(by change: Int) {
        var merged = [UInt64](repeating: 0, count: ((offset + counts.count - 1) >> change) - (offset >> change) + 1)
        for (i, count) in counts.enumerated() { merged[((offset + i) >> change) - (offset >> change)] += count }
        offset >>= change
        counts = merged
        scale -= change
    }

    /// The cumulative counts for Prometheus's `le` buckets: the zero count at the lower bound of
    /// the first bucket in use (at 0 while none is), then each bucket's upper bound with the
    /// values at or below it.
    var cumulative: [(upperBound: Double, count: UInt64)] {
        var total = zeroCount
        var out = [(upperBound: counts.isEmpty ? 0 : Self.lowerBound(of: offset, scale: scale), count: total)]
        for (i, count) in counts.enumerated() {
            total += count
            out.append((Self.lowerBound(of: offset + i + 1, scale: scale), total))
        }
        return out
    }

    /// The index of the bucket holding `value` (above zero) at `scale`.
    static func index(of value: Double, scale: Int) -> Int {
        // value = significand × 2^exponent, significand in [1, 2).
        let exponent = Int(value.exponent)
        if value.significand == 1 {
            // An exact power of two is the upper bound of the bucket below.
            return scale > 0 ? (exponent << scale) - 1 : (exponent - 1) >> -scale
        }
        guard scale > 0 else { return exponent >> -scale }
        // log2 can round across a bound: the index is checked against the bounds `le` prints.
        var index = Int((log2(value) * Double(1 << scale)).rounded(.down))
        if lowerBound(of: index, scale: scale) >= value {
            index -= 1
        } else if lowerBound(of: index + 1, scale: scale) < value {
            index += 1
        }
        return index
    }

    /// The lower bound of bucket `index` at `scale`: 2^(index·2^−scale).
    static func lowerBound(of index: Int, scale: Int) -> Double {
        scale > 0 ? exp2(Double(index) / Double(1 << scale)) : exp2(Double(index << -scale))
    }
}
