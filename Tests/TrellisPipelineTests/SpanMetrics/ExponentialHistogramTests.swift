import Foundation
import Testing
import TrellisModel
@testable import TrellisPipeline

@Suite struct ExponentialHistogramTests {
    @Test func eachValueFallsInTheBucketWhoseBoundsHoldItAndAPowerOfTwoIsAnUpperBound() {
        // At scale 0 the buckets are (2^i, 2^(i+1)]; at scale 1, (√2^i, √2^(i+1)]; at scale −1, (4^i, 4^(i+1)].
        #expect([0.5, 1, 1.5, 2, 3, 4, 5].map { ExponentialHistogram.index(of: $0, scale: 0) } == [-2, -1, 0, 0, 1, 1, 2])
        #expect([1, 1.4, 1.5, 2, 2.9].map { ExponentialHistogram.index(of: $0, scale: 1) } == [-1, 0, 1, 1, 3])
        #expect([0.25, 0.5, 1, 4, 5, 16, 17].map { ExponentialHistogram.index(of: $0, scale: -1) } == [-2, -1, -1, 0, 1, 1, 2])
        for scale in [20, 10, 3, 1, 0, -1, -3] {
            for value in [0.001, 0.37, 1.5, 3, 7.3, 1000, 123_456.789, 9e12] {
                let index = ExponentialHistogram.index(of: value, scale: scale)
                #expect(ExponentialHistogram.lowerBound(of: index, scale: scale) < value, "\(value) at \(scale)")
                #expect(value <= ExponentialHistogram.lowerBound(of: index + 1, scale: scale), "\(value) at \(scale)")
            }
        }
    }

    @Test func aValueExactlyOnAPrintedBoundIsCountedAtOrBelowIt() {
        // Prometheus's le is inclusive: the value le prints for bucket i's upper bound falls in bucket i.
        for scale in [20, 10, 3, 1] {
            for value in [0.000_37, 0.01, 0.7, 1.3, 3, 17.25, 1000, 98_765.4321, 4e11] {
                let index = ExponentialHistogram.index(of: value, scale: scale)
                let bound = ExponentialHistogram.lowerBound(of: index + 1, scale: scale)
                #expect(ExponentialHistogram.index(of: bound, scale: scale) == index, "the bound above \(value) at \(scale)")
                #expect(ExponentialHistogram.index(of: bound.nextUp, scale: scale) == index + 1, "just past the bound above \(value) at \(scale)")
            }
        }
    }

    @Test func aValueThatWouldWidenTheRangePastMaxSizeLowersTheScaleJustEnough() {
        var histogram = ExponentialHistogram(maxSize: 4)
        histogram.record(1)
        #expect(histogram.scale == 20 && histogram.counts == [1])
        histogram.record(2)
        // At scale 20, 1 and 2 are 2^20 buckets apart; at scale 1 they are in buckets −1 and 1.
        #expect(histogram.scale == 1 && histogram.offset == -1 && histogram.counts == [1, 0, 1])
        histogram.record(4)
        #expect(histogram.scale == 0 && histogram.offset == -1 && histogram.counts == [1, 1, 1])
        histogram.record(0)
        histogram.record(100)
        // Scale −2: (1/16, 1], (1, 16], (16, 256].
        #expect(histogram.scale == -2 && histogram.offset == -1 && histogram.counts == [1, 2, 1] && histogram.zeroCount == 1)
        #expect(histogram.cumulative.map(\.upperBound) == [0.0625, 1, 16, 256])
        #expect(histogram.cumulative.map(\.count) == [1, 2, 4, 5])
    }

    @Test func theCumulativeCountsAreExactlyTheValuesAtOrBelowEachBoundWithinMaxSize() {
        var random = SplitMix64(seed: 11)
        var histogram = ExponentialHistogram(maxSize: 8)
        var values: [Double] = []
        for _ in 0..<2_000 {
            // Log-uniform from 0.01 ms to 100 s, and some zeros.
            let value = random.next() % 50 == 0 ? 0 : 0.01 * pow(10, Double(random.next() % 1_000_000) / 1_000_000 * 7)
            values.append(value)
            histogram.record(value)
            #expect(histogram.counts.count <= 8)
        }
        #expect(histogram.scale <= 0)  // where every bound is a power of two, exactly
        for (bound, count) in histogram.cumulative {
            #expect(count == UInt64(values.filter { $0 <= bound }.count), "\(bound)")
        }
        #expect(histogram.cumulative.last?.count == UInt64(values.count))
    }
}
