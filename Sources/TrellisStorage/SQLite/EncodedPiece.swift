import TrellisCodec
import TrellisModel

/// A trace piece made ready for the archive outside its lock: the spans as an OTLP protobuf
/// block and the distinct values of the indexed attribute keys.
struct EncodedPiece: Sendable {
    struct IndexedAttribute: Hashable, Sendable {
        var key: String
        var value: AttributeFilter.Value
    }

    var traceID: TraceID
    var groups: [SpanGroupKey: SpanGroupSummary]
    var spanCount: Int
    var minStart: UInt64
    var maxStart: UInt64
    var block: [UInt8]
    var attributes: Set<IndexedAttribute>

    init(_ piece: TracePiece, indexedKeys: Set<String>, encoder: OTLPProtobufEncoder) {
        traceID = piece.traceID
        groups = piece.groups
        spanCount = piece.spanCount
        minStart = piece.minStart
        maxStart = piece.maxStart
        block = encoder.encode(piece.batch)
        attributes = []
        guard !indexedKeys.isEmpty else { return }
        for rs in piece.batch.resourceSpans {
            collect(rs.resource.attributes, indexedKeys)
            for ss in rs.scopeSpans {
                for span in ss.spans { collect(span.attributes, indexedKeys) }
            }
        }
    }

    private mutating func collect(_ list: [Attribute], _ keys: Set<String>) {
        for attribute in list where keys.contains(attribute.key) {
            let value: AttributeFilter.Value
            switch attribute.value {
            case .string(let s): value = .string(s)
            case .int(let i): value = .int(i)
            case .double(let d) where !d.isNaN: value = .double(d)
            case .bool(let b): value = .bool(b)
            default: continue
            }
            attributes.insert(IndexedAttribute(key: attribute.key, value: value))
        }
    }
}
