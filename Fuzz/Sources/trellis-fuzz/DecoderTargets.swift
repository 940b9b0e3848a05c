import TrellisCodec
import TrellisModel

/// The body decoders, and the round trip the store relies on: whatever a decoder accepts is
/// split by trace, encoded once and decoded back to the same spans (the ring and the archive
/// keep those bytes, and every read decodes them again).
enum DecoderTargets {
    /// The receivers' body limit (`max_request_body_size_mib` default 20 MiB is far above what a
    /// fuzzer makes; 4 MiB, gRPC's default, bounds gzip expansion as the receivers do).
    static let inflateLimit = 4 << 20

    static func otlpProtobuf(_ bytes: [UInt8]) {
        guard let decoded = try? OTLPProtobufDecoder(initialArenaBytes: 4096).decode(bytes) else { return }
        checkStoredRoundTrip(decoded.batch)
        checkEncodeRoundTrip(decoded.batch)
    }

    static func otlpJSON(_ bytes: [UInt8]) {
        guard let decoded = try? OTLPJSONDecoder().decode(bytes) else { return }
        checkStoredRoundTrip(decoded.batch)
        // What the JSON encoder writes, the JSON decoder reads back.
        guard let again = try? OTLPJSONDecoder().decode(OTLPJSONEncoder().encode(decoded.batch)) else {
            fatalError("OTLP/JSON written from an accepted request does not decode")
        }
        precondition(again.batch.spanCount == decoded.batch.spanCount, "OTLP/JSON round trip changed the span count")
    }

    static func zipkinJSON(_ bytes: [UInt8]) {
        guard let decoded = try? ZipkinJSONDecoder().decode(bytes) else { return }
        checkStoredRoundTrip(decoded.batch)
    }

    static func zipkinProtobuf(_ bytes: [UInt8]) {
        guard let decoded = try? ZipkinProtobufDecoder(initialArenaBytes: 4096).decode(bytes) else { return }
        checkRepairedAndStored(decoded)
    }

    /// The same bytes as a binary-protocol Batch (thrift_http) and as a compact-protocol emitBatch (UDP).
    static func jaegerThrift(_ bytes: [UInt8]) {
        let decoder = JaegerThriftDecoder()
        if let decoded = try? decoder.decodeBinaryBatch(bytes) { checkRepairedAndStored(decoded) }
        if let decoded = try? decoder.decodeCompactEmitBatch(bytes) { checkRepairedAndStored(decoded) }
    }

    static func jaegerProtobuf(_ bytes: [UInt8]) {
        guard let decoded = try? JaegerProtobufDecoder(initialArenaBytes: 4096).decode(bytes) else { return }
        checkRepairedAndStored(decoded)
    }

    /// What every receiver does next: `SpanRepair` leaves no zero or inverted time, then the store's round trip.
    private static func checkRepairedAndStored(_ decoded: DecodedTraces) {
        var repaired = decoded
        _ = SpanRepair(receiveTimeUnixNano: 1_700_000_000_000_000_000).apply(to: &repaired)
        for (_, _, span) in repaired.batch.flattened {
            precondition(span.startTimeUnixNano != 0 && span.endTimeUnixNano >= span.startTimeUnixNano, "SpanRepair left a zero or inverted time")
            precondition(!span.name.isEmpty, "SpanRepair left a blank name")
        }
        checkStoredRoundTrip(repaired.batch)
    }

    static func gzip(_ bytes: [UInt8]) {
        guard let inflated = try? Gzip.inflate(bytes, limit: inflateLimit) else { return }
        precondition(inflated.count <= inflateLimit, "inflate went past its limit")
        guard let again = try? Gzip.inflate(Gzip.deflate(inflated), limit: inflateLimit) else {
            fatalError("deflated output does not inflate")
        }
        precondition(again == inflated, "deflate then inflate changed the bytes")
    }

    /// Split by trace, encoded once per slice, decoded back: the same number of spans.
    private static func checkStoredRoundTrip(_ batch: TraceBatch) {
        let slices = TraceSlice.slices(of: batch, indexedKeys: IndexedKeys(["http.route", "error"]))
        precondition(slices.reduce(0) { $0 + $1.summary.spanCount } == batch.spanCount, "the split lost or added spans")
        let encoder = OTLPProtobufEncoder()
        let stored = slices.map { encoder.encoded($0).content }
        guard let read = try? SliceDecoder(initialArenaBytes: 4096).batch(of: stored) else {
            fatalError("slices encoded from an accepted request do not decode")
        }
        precondition(read.spanCount == batch.spanCount, "stored slices decode to \(read.spanCount) spans, not \(batch.spanCount)")
    }

    /// The batch encoded as one request decodes back to as many spans.
    private static func checkEncodeRoundTrip(_ batch: TraceBatch) {
        guard let again = try? OTLPProtobufDecoder(initialArenaBytes: 4096).decode(OTLPProtobufEncoder().encode(batch)) else {
            fatalError("OTLP protobuf written from an accepted request does not decode")
        }
        precondition(again.batch.spanCount == batch.spanCount, "protobuf round trip changed the span count")
    }
}
