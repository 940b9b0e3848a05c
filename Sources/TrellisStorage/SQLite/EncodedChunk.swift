import TrellisCodec
import TrellisModel

/// A run of whole traces of one write made ready for the archive outside its lock: the spans
/// under their resources and scopes as one OTLP protobuf `ExportTraceServiceRequest`,
/// compressed with gzip, plus what the index rows need — the trace IDs, the summaries per
/// (service, operation, kind), and the distinct values of the indexed attribute keys.
struct EncodedChunk: Sendable {
    struct IndexedAttribute: Hashable, Sendable {
        var key: String
        var value: AttributeFilter.Value
    }

    /// A write is cut into chunks of whole traces of about this many spans: big enough to
    /// compress well (each resource is encoded once per chunk), small enough that reading one
    /// trace inflates and decodes little.
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

    /// The batch as chunks, and its uncompressed OTLP encoding (the chunks' bytes one after the
    /// other, which protobuf reads as one request) when `keepRecord` asks for it.
    static func make(_ batch: TraceBatch, indexedKeys: Set<String>, keepRecord: Bool) -> (chunks: [EncodedChunk], record: [UInt8]) {
        let encoder = OTLPProtobufEncoder()
        var chunks: [EncodedChunk] = []
        var record: [UInt8] = []
        for part in split(batch) where part.spanCount > 0 {
            let raw = encoder.encode(part)
            var chunk = EncodedChunk(part, indexedKeys: indexedKeys)
            chunk.data = Gzip.deflate(raw, level: compressionLevel)
            if keepRecord { record += raw }
            chunks.append(chunk)
        }
        return (chunks, record)
    }

    /// The batch cut into parts of whole traces, each about `targetSpans` spans (a trace
    /// larger than that is a part of its own), spans kept under their resources and scopes.
    static func split(_ batch: TraceBatch) -> [TraceBatch] {
        guard batch.spanCount > targetSpans else { return [batch] }
        var spansPerTrace: [TraceID: Int] = [:]
        var order: [TraceID] = []
        for rs in batch.resourceSpans {
            for ss in rs.scopeSpans {
                for span in ss.spans {
                    if spansPerTrace[span.traceID] == nil { order.append(span.traceID) }
                    spansPerTrace[span.traceID, default: 0] += 1
                }
            }
        }
        var part: [TraceID: Int] = [:]
        var current = 0
        var filled = 0
        for id in order {
            if filled > 0 && filled + spansPerTrace[id]! > targetSpans {
                current += 1
                filled = 0
            }
            part[id] = current
            filled += spansPerTrace[id]!
        }
        var parts = [TraceBatch](repeating: TraceBatch(), count: current + 1)
        for rs in batch.resourceSpans {
            for ss in rs.scopeSpans {
                var byPart: [Int: [Span]] = [:]
                for span in ss.spans { byPart[part[span.traceID]!, default: []].append(span) }
                for (p, spans) in byPart {
                    let scope = ScopeSpans(scope: ss.scope, spans: spans, schemaURL: ss.schemaURL)
                    if let last = parts[p].resourceSpans.indices.last, parts[p].resourceSpans[last].resource == rs.resource,
                       parts[p].resourceSpans[last].schemaURL == rs.schemaURL {
                        parts[p].resourceSpans[last].scopeSpans.append(scope)
                    } else {
                        parts[p].resourceSpans.append(ResourceSpans(resource: rs.resource, scopeSpans: [scope], schemaURL: rs.schemaURL))
                    }
                }
            }
        }
        return parts
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

    /// The index figures of a part; `data` is filled in by the caller.
    private init(_ part: TraceBatch, indexedKeys: Set<String>) {
        data = []
        traceIDs = []
        groups = [:]
        attributes = []
        spanCount = 0
        minStart = .max
        maxStart = 0
        var seen = Set<TraceID>()
        for rs in part.resourceSpans {
            let service = rs.resource.serviceName
            collect(rs.resource.attributes, indexedKeys)
            for ss in rs.scopeSpans {
                for span in ss.spans {
                    if seen.insert(span.traceID).inserted { traceIDs.append(span.traceID) }
                    spanCount += 1
                    minStart = min(minStart, span.startTimeUnixNano)
                    maxStart = max(maxStart, span.startTimeUnixNano)
                    groups[SpanGroupKey(service: service, operation: span.name, kind: span.kind), default: SpanGroupSummary()].add(span)
                    collect(span.attributes, indexedKeys)
                }
            }
        }
    }

    private mutating func collect(_ list: [Attribute], _ keys: Set<String>) {
        guard !keys.isEmpty else { return }
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
