import TrellisModel

/// Spans of one resource and scope, each already encoded as an OTLP `ScopeSpans.spans` entry
/// (field 2: tag, length, `Span` message) one after the other. The resource and scope stay
/// model values: copy-on-write storage shared by every run cut from the same request.
///
/// It is how the store holds spans: encoded once when written
/// (`OTLPProtobufEncoder.append(_:to:)`), kept as they are by the ring, put together into
/// archive chunks and read back as requests (`OTLPProtobufEncoder.encode(runs:)`).
public struct EncodedSpanRun: Sendable {
    public var resource: Resource
    public var resourceSchemaURL: String
    public var scope: InstrumentationScope
    public var scopeSchemaURL: String
    /// The encoded spans.
    public var spans: [UInt8]
    public var spanCount: Int

    public init(resource: Resource, resourceSchemaURL: String, scope: InstrumentationScope, scopeSchemaURL: String, spans: [UInt8] = [], spanCount: Int = 0) {
        self.resource = resource
        self.resourceSchemaURL = resourceSchemaURL
        self.scope = scope
        self.scopeSchemaURL = scopeSchemaURL
        self.spans = spans
        self.spanCount = spanCount
    }
}
