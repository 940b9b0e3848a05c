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
            let windows = Self.windowOffsets(body)
            let traceIDs = Array(Set(spans.map(\.traceID)))
            let times = spans.flatMap { [$0.startTimeUnixNano, $0.endTimeUnixNano] }
            templates.append(Template(
                body: body,
                traceIDOffsets: traceIDs.map { id in windows[id.high.bigEndian, default: []].filter { Self.matches(id.bytes, in: body, at: $0) } },
                spanIDOffsets: spans.map { windows[$0.spanID.value.bigEndian, default: []] },
                timeOffsets: Array(Set(times.flatMap { windows[$0.littleEndian, default: []] })),
                baseNanos: base, spans: spans.count))
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

    /// Every offset of every 8-byte window of the body, keyed by the window's bytes (as loaded):
    /// one pass finds where each ID and timestamp sits.
    private static func windowOffsets(_ body: [UInt8]) -> [UInt64: [Int]] {
        var windows: [UInt64: [Int]] = [:]
        body.withUnsafeBytes { raw in
            for offset in 0...(max(8, raw.count) - 8) where raw.count >= 8 {
                windows[raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self), default: []].append(offset)
            }
        }
        return windows
    }

    private static func matches(_ needle: [UInt8], in body: [UInt8], at offset: Int) -> Bool {
        offset + needle.count <= body.count && body[offset..<(offset + needle.count)].elementsEqual(needle)
    }
}
