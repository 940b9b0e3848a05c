import TrellisModel

/// The per-span ID rules every decoder applies: a span whose trace ID is not 16 non-zero bytes,
/// whose span ID is not 8 non-zero bytes, or whose parent ID is neither empty nor 8 bytes,
/// is rejected on its own.
enum SpanIdentityCheck {
    /// Returns the reason a span's IDs are invalid, or nil when they are fine.
    /// Lengths are byte counts (hex-decoding decoders pass half the digit count).
    static func problem(traceIDLength: Int, traceID: TraceID?, spanIDLength: Int, spanID: SpanID?, parentLength: Int) -> String? {
        if traceIDLength != 16 { return "traceId must be 16 bytes, got \(traceIDLength)" }
        guard let traceID, traceID.isValid else { return "traceId is all zeros" }
        if spanIDLength != 8 { return "spanId must be 8 bytes, got \(spanIDLength)" }
        guard let spanID, spanID.isValid else { return "spanId is all zeros" }
        if parentLength != 0 && parentLength != 8 { return "parentSpanId must be empty or 8 bytes, got \(parentLength)" }
        return nil
    }
}
