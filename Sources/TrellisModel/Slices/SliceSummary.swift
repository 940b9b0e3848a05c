/// What the stages ask about a slice's spans, computed once when the slice is made:
/// the tail sampler's policies (span count, bounds, statuses, the root), the store's indexes
/// (per-operation bounds, indexed attribute values) and the dependency pairing (`calls`).
public struct SliceSummary: Sendable {
    /// A span name with its kind: the operations of the slice's service.
    public struct Operation: Hashable, Sendable {
        public var name: String
        public var kind: SpanKind
    }

    public private(set) var spanCount = 0
    /// The earliest span start and the latest span start and end (Unix nanoseconds).
    public private(set) var firstStart: UInt64 = .max
    public private(set) var lastStart: UInt64 = 0
    public private(set) var lastEnd: UInt64 = 0
    /// Bit n set when some span has the status code of raw value n.
    private var statusCodeBits: UInt8 = 0
    /// The earliest start of a root span in the slice, if it has one.
    public private(set) var rootStart: UInt64?
    /// Bounds per operation of the slice's service.
    public private(set) var operations: [Operation: SpanGroupSummary] = [:]
    /// What each span says for the dependency graph, in span order.
    public private(set) var calls: [SpanCallFacts] = []
    /// The distinct values of the indexed attribute keys, of the spans and the resource.
    public private(set) var indexedAttributes: [IndexedAttribute] = []

    init(resource: Resource, scopes: [ScopeSpans], indexedKeys: IndexedKeys) {
        indexedKeys.collect(resource.attributes, into: &indexedAttributes)
        for scope in scopes {
            spanCount += scope.spans.count
            for span in scope.spans {
                firstStart = min(firstStart, span.startTimeUnixNano)
                lastStart = max(lastStart, span.startTimeUnixNano)
                lastEnd = max(lastEnd, span.endTimeUnixNano)
                statusCodeBits |= 1 << UInt8(truncatingIfNeeded: span.status.code.rawValue & 7)
                if span.isRoot { rootStart = min(rootStart ?? .max, span.startTimeUnixNano) }
                operations[Operation(name: span.name, kind: span.kind), default: SpanGroupSummary()].add(span)
                calls.append(SpanCallFacts(span))
                indexedKeys.collect(span.attributes, into: &indexedAttributes)
            }
        }
    }

    /// True when some span has this status code.
    public func has(_ code: SpanStatus.Code) -> Bool { statusCodeBits & (1 << UInt8(truncatingIfNeeded: code.rawValue & 7)) != 0 }

    /// True when some span has status error.
    public var hasError: Bool { has(.error) }
}

/// One span as the dependency graph sees it.
public struct SpanCallFacts: Sendable {
    public var spanID: SpanID
    public var parentSpanID: SpanID
    public var kind: SpanKind
    public var startTimeUnixNano: UInt64
    public var durationNanos: UInt64
    public var isError: Bool
    /// For a CLIENT span: the uninstrumented peer its attributes name (`ServiceCall.virtualPeerKeys`).
    public var peer: String?

    public init(_ span: Span) {
        spanID = span.spanID
        parentSpanID = span.parentSpanID
        kind = span.kind
        startTimeUnixNano = span.startTimeUnixNano
        durationNanos = span.durationNanos
        isError = span.status.code == .error
        peer = span.kind == .client ? ServiceCall.virtualPeer(of: span) : nil
    }
}
