/// Bounds over a group of spans, precise enough to rule a trace out of a search without reading its spans.
public struct SpanGroupSummary: Hashable, Sendable {
    public var minStart: UInt64 = .max
    public var maxStart: UInt64 = 0
    public var minDuration: UInt64 = .max
    public var maxDuration: UInt64 = 0
    public var hasError = false
    public var spanCount = 0

    public init() {}

    public mutating func add(_ span: SpanFacts) {
        minStart = min(minStart, span.startTimeUnixNano)
        maxStart = max(maxStart, span.startTimeUnixNano)
        minDuration = min(minDuration, span.durationNanos)
        maxDuration = max(maxDuration, span.durationNanos)
        hasError = hasError || span.isError
        spanCount += 1
    }

    public mutating func merge(_ other: SpanGroupSummary) {
        minStart = min(minStart, other.minStart)
        maxStart = max(maxStart, other.maxStart)
        minDuration = min(minDuration, other.minDuration)
        maxDuration = max(maxDuration, other.maxDuration)
        hasError = hasError || other.hasError
        spanCount += other.spanCount
    }
}
