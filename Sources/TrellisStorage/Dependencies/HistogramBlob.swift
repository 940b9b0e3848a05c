import TrellisModel

/// The archive's compact form of a `LatencyHistogram`: for each non-empty bucket in rising
/// order, the gap from the previous bucket index and the count, both as `LEB128` varints.
/// A histogram of a few latencies takes a few bytes.
enum HistogramBlob {
    static func encode(_ histogram: LatencyHistogram) -> [UInt8] {
        var out: [UInt8] = []
        var previous: UInt64 = 0
        for bucket in histogram.counts.keys.sorted() {
            LEB128.append(UInt64(bucket) - previous, to: &out)
            LEB128.append(histogram.counts[bucket]!, to: &out)
            previous = UInt64(bucket)
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws(StorageError) -> LatencyHistogram {
        var counts: [UInt16: UInt64] = [:]
        var offset = 0
        var bucket: UInt64 = 0
        while offset < bytes.count {
            bucket += try readVarint(bytes, &offset)
            let count = try readVarint(bytes, &offset)
            guard bucket <= UInt64(UInt16.max) else { throw .undecodableBlock(detail: "latency histogram bucket \(bucket) out of range") }
            counts[UInt16(bucket), default: 0] += count
        }
        return LatencyHistogram(counts: counts)
    }

    private static func readVarint(_ bytes: [UInt8], _ offset: inout Int) throws(StorageError) -> UInt64 {
        guard let value = LEB128.read(bytes, &offset) else { throw .undecodableBlock(detail: "latency histogram varint is truncated") }
        return value
    }
}
