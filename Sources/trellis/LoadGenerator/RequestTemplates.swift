import TrellisCodec
import TrellisModel

/// Pre-encoded OTLP protobuf request bodies whose IDs and timestamps are patched in place for
/// each request, so every span carries unique IDs and current times without re-encoding:
/// the load generator stays cheap next to the server it measures.
struct RequestTemplates {
    private struct Template {
        var body: [UInt8]
        /// Byte offsets of every occurrence of each distinct trace ID (16 bytes) and span ID (8 bytes).
        var traceIDOffsets: [[Int]]
        var spanIDOffsets: [[Int]]
        /// Offsets of start/end timestamps (fixed64, little-endian) and the time they were built at.
        var timeOffsets: [Int]
        var baseNanos: UInt64
        var spans: Int
    }

    private var templates: [Template] = []
    private var next = 0

    init(count: Int, spansPerRequest: Int, spansPerTrace: Int, extraAttributes: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let factory = SyntheticTraces(spansPerTrace: spansPerTrace, extraAttributes: extraAttributes)
        let base: UInt64 = 1_700_000_000_000_000_000
        for _ in 0..<count {
            let batch = factory.request(spanCount: spansPerRequest, startNanos: base, random: &random)
            let body = OTLPProtobufEncoder().encode(batch)
            let spans = batch.flattened.map(\.span)
            let traceIDs = Array(Set(spans.map(\.traceID)))
            let spanIDs = spans.map(\.spanID)
            var times: [Int] = []
            for span in spans {
                times += Self.occurrences(of: withUnsafeBytes(of: span.startTimeUnixNano.littleEndian) { Array($0) }, in: body)
                times += Self.occurrences(of: withUnsafeBytes(of: span.endTimeUnixNano.littleEndian) { Array($0) }, in: body)
            }
            templates.append(Template(
                body: body,
                traceIDOffsets: traceIDs.map { Self.occurrences(of: $0.bytes, in: body) },
                spanIDOffsets: spanIDs.map { Self.occurrences(of: $0.bytes, in: body) },
                timeOffsets: Array(Set(times)), baseNanos: base, spans: spans.count))
        }
    }

    /// The next body with fresh random IDs and timestamps moved to `nowNanos`.
    mutating func nextBody(nowNanos: UInt64, random: inout SplitMix64) -> (body: [UInt8], spans: Int) {
        var template = templates[next]
        next = (next + 1) % templates.count
        let shift = nowNanos &- template.baseNanos
        template.body.withUnsafeMutableBytes { raw in
            for offsets in template.traceIDOffsets {
                let high = (random.next() | 1).bigEndian, low = random.next().bigEndian
                for offset in offsets {
                    raw.storeBytes(of: high, toByteOffset: offset, as: UInt64.self)
                    raw.storeBytes(of: low, toByteOffset: offset + 8, as: UInt64.self)
                }
            }
            for offsets in template.spanIDOffsets {
                let id = (random.next() | 1).bigEndian
                for offset in offsets { raw.storeBytes(of: id, toByteOffset: offset, as: UInt64.self) }
            }
            for offset in template.timeOffsets {
                let old = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                raw.storeBytes(of: (old &+ shift).littleEndian, toByteOffset: offset, as: UInt64.self)
            }
        }
        return (template.body, template.spans)
    }

    private static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) {
                found.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return found
    }
}
