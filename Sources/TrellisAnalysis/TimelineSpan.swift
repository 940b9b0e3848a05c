/// One span of a `Timeline`.
public struct TimelineSpan: Encodable, Sendable, Hashable {
    /// The span, 16 lowercase hex digits.
    public var spanID: String
    /// The parent span, 16 lowercase hex digits; absent from the JSON for a root, including a
    /// span whose parent is missing from the trace (a warning names that parent).
    public var parentSpanID: String?
    /// The distance from the span's root: 0 for roots, 1 for their children, and so on.
    public var depth: Int
    /// When the span starts, microseconds after the trace's `start`.
    public var offset: UInt64
    /// How long the span lasts, microseconds.
    public var duration: UInt64
    /// The part of `duration` not covered by any child, microseconds: the duration minus the
    /// length of the union of the children's intervals, each clipped to the span.
    public var selfTime: UInt64
    /// The span's service (`service.name` of its resource).
    public var service: String
    /// The span's name (Jaeger's operation).
    public var name: String
    /// The span kind: `server`, `client`, `producer`, `consumer`, `internal` or `unspecified`.
    public var kind: String
    /// The status code: `unset`, `ok` or `error`.
    public var statusCode: String
    /// The status message; empty when the span has none.
    public var statusMessage: String
    /// Whether some stretch of the trace's critical path belongs to this span (see `CriticalPath`).
    public var onCriticalPath: Bool

    public init(spanID: String, parentSpanID: String?, depth: Int, offset: UInt64, duration: UInt64, selfTime: UInt64,
                service: String, name: String, kind: String, statusCode: String, statusMessage: String, onCriticalPath: Bool) {
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.depth = depth
        self.offset = offset
        self.duration = duration
        self.selfTime = selfTime
        self.service = service
        self.name = name
        self.kind = kind
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.onCriticalPath = onCriticalPath
    }
}
