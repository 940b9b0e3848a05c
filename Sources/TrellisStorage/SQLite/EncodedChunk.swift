import TrellisCodec
import TrellisModel

/// A run of whole-trace pieces of one write made ready for the archive: the pieces' encoded
/// slices put together as one OTLP protobuf `ExportTraceServiceRequest` (each resource and
/// scope once), compressed with gzip, plus what the index rows need — the trace IDs, the
/// summaries per (service, operation, kind), and the distinct values of the indexed attribute
/// keys — merged from the pieces' own, so no span is looked at again.
struct EncodedChunk: Sendable {
    /// A write's pieces are cut into chunks of about this many spans: big enough to compress
    /// well, small enough that reading one trace inflates and decodes little.
    static let targetSpans = 256
    /// zlib's level: fast, and the repeated keys and values of spans compress well anyway.
    static let compressionLevel: Int32 = 1

    var data: [UInt8]
    var traceIDs: [TraceID]
    var groups: [SpanGroupKey: SpanGroupSummary]
    var attributes: Set<IndexedAttribute>
    var spanCount: Int
    var minStart: UInt64
    var maxStart: UInt64

    /// The pieces in chunks of consecutive pieces of about `targetSpans` spans (a larger piece is
    /// a chunk of its own), and when `keepRecord` asks for it, the chunks' uncompressed requests
    /// one after the other (which protobuf reads as one request holding every span).
    static func make(_ pieces: [TracePiece], keepRecord: Bool) -> (chunks: [EncodedChunk], record: [UInt8]) {
        let encoder = OTLPProtobufEncoder()
        var chunks: [EncodedChunk] = []
        var record: [UInt8] = []
        var start = 0
        var spans = 0
        func cut(_ end: Int) {
            let request = encoder.encode(contents: pieces[start..<end].flatMap { $0.slices.map(\.content) })
            if keepRecord { record += request }
            chunks.append(EncodedChunk(pieces[start..<end], data: Gzip.deflate(request, level: compressionLevel)))
            start = end
            spans = 0
        }
        for (i, piece) in pieces.enumerated() {
            if spans > 0 && spans + piece.spanCount > targetSpans { cut(i) }
            spans += piece.spanCount
        }
        if start < pieces.count { cut(pieces.count) }
        return (chunks, record)
    }

    private init(_ pieces: ArraySlice<TracePiece>, data: [UInt8]) {
        self.data = data
        traceIDs = pieces.map(\.traceID)
        groups = [:]
        attributes = []
        spanCount = 0
        minStart = .max
        maxStart = 0
        for piece in pieces {
            for (key, summary) in piece.groups { groups[key, default: SpanGroupSummary()].merge(summary) }
            attributes.formUnion(piece.attributes)
            spanCount += piece.spanCount
            minStart = min(minStart, piece.minStart)
            maxStart = max(maxStart, piece.maxStart)
        }
    }

    /// The trace IDs, 16 bytes each (high then low, big-endian), so retention can delete the
    /// per-trace rows without inflating the chunk.
    var packedTraceIDs: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(traceIDs.count * 16)
        for id in traceIDs {
            for half in [id.high, id.low] {
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: half >> UInt64(shift))) }
            }
        }
        return out
    }

    /// The trace IDs packed by `packedTraceIDs`.
    static func traceIDs(packed bytes: [UInt8]) -> [TraceID] {
        stride(from: 0, to: bytes.count - bytes.count % 16, by: 16).map { at in
            func half(_ from: Int) -> UInt64 { bytes[from..<(from + 8)].reduce(0) { $0 << 8 | UInt64($1) } }
            return TraceID(high: half(at), low: half(at + 8))
        }
    }
}
