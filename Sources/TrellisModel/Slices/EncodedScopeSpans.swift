/// Spans of one scope, each encoded as an OTLP `ScopeSpans.spans` entry (field 2: tag, length,
/// `Span` message) one after the other: how a `TraceSlice` holds its spans once encoded, the
/// ring keeps them and the archive's chunks are made of them. `TrellisCodec` writes and reads it.
public struct EncodedScopeSpans: Sendable {
    public var scope: InstrumentationScope
    public var schemaURL: String
    /// The encoded spans.
    public var bytes: [UInt8]
    public var spanCount: Int

    public init(scope: InstrumentationScope, schemaURL: String, bytes: [UInt8], spanCount: Int) {
        self.scope = scope
        self.schemaURL = schemaURL
        self.bytes = bytes
        self.spanCount = spanCount
    }

    /// Heap bytes held: the encoding and this entry in its slice's array.
    public var footprintBytes: Int { bytes.count + 32 + MemoryLayout<EncodedScopeSpans>.stride }
}
