/// What the stages ask about a slice's spans, computed once when the slice is made (immutable,
/// shared by every copy of the slice): the tail sampler's policies (span count, bounds,
/// statuses, the root), the store's indexes (each span's name, kind, start and duration;
/// indexed attribute values) and the dependency pairing (each span's IDs, kind and peer).
public final class SliceSummary: Sendable {
    public let spanCount: Int
    /// The earliest span start and the latest span start and end (Unix nanoseconds).
    public let firstStart: UInt64
    public let lastStart: UInt64
    public let lastEnd: UInt64
    /// Bit n set when some span has the status code of raw value n.
    private let statusCodeBits: UInt8
    /// The earliest start of a root span in the slice, if it has one.
    public let rootStart: UInt64?
    /// Each span's facts, in span order.
    public let spans: [SpanFacts]
    /// The distinct values of the indexed attribute keys, of the spans and the resource.
    public let indexedAttributes: [IndexedAttribute]

    init(resource: Resource, scopes: [ScopeSpans], indexedKeys: IndexedKeys) {
        var count = 0
        var firstStart = UInt64.max, lastStart: UInt64 = 0, lastEnd: UInt64 = 0
        var statusCodeBits: UInt8 = 0
        var rootStart: UInt64?
        var facts: [SpanFacts] = []
        var indexed: [IndexedAttribute] = []
        indexedKeys.collect(resource.attributes, into: &indexed)
        for scope in scopes {
            count += scope.spans.count
            facts.reserveCapacity(count)
            for span in scope.spans {
                firstStart = min(firstStart, span.startTimeUnixNano)
                lastStart = max(lastStart, span.startTimeUnixNano)
                lastEnd = max(lastEnd, span.endTimeUnixNano)
                statusCodeBits |= Self.bit(span.status.code)
                if span.isRoot { rootStart = min(rootStart ?? .max, span.startTimeUnixNano) }
                facts.append(SpanFacts(span))
                indexedKeys.collect(span.attributes, into: &indexed)
            }
        }
        spanCount = count
        self.firstStart = firstStart
        self.lastStart = lastStart
        self.lastEnd = lastEnd
        self.statusCodeBits = statusCodeBits
        self.rootStart = rootStart
        spans = facts
        indexedAttributes = indexed
    }

    private static func bit(_ code: SpanStatus.Code) -> UInt8 { 1 << UInt8(truncatingIfNeeded: code.rawValue & 7) }

    /// True when some span has this status code.
    public func has(_ code: SpanStatus.Code) -> Bool { statusCodeBits & Self.bit(code) != 0 }

    /// True when some span has status error.
    public var hasError: Bool { has(.error) }
}

/// One span as the store's indexes and the dependency graph see it.
public struct SpanFacts: Sendable {
    /// The operation.
    public var name: String
    public var spanID: SpanID
    public var parentSpanID: SpanID
    public var kind: SpanKind
    public var startTimeUnixNano: UInt64
    public var durationNanos: UInt64
    public var isError: Bool
    /// For a CLIENT span: the uninstrumented peer its attributes name (`ServiceCall.virtualPeerKeys`).
    public var peer: String?

    public init(_ span: Span) {
        name = span.name
        spanID = span.spanID
        parentSpanID = span.parentSpanID
        kind = span.kind
        startTimeUnixNano = span.startTimeUnixNano
        durationNanos = span.durationNanos
        isError = span.status.code == .error
        peer = span.kind == .client ? ServiceCall.virtualPeer(of: span) : nil
    }
}
