/// Spans from one instrumentation scope (OTLP's `ScopeSpans`).
public struct ScopeSpans: Hashable, Sendable {
    public var scope: InstrumentationScope
    public var spans: [Span]
    public var schemaURL: String

    public init(scope: InstrumentationScope, spans: [Span], schemaURL: String = "") {
        self.scope = scope
        self.spans = spans
        self.schemaURL = schemaURL
    }
}
