/// A stretch of a trace during which one span is what the trace waits for.
public struct CriticalPathSection: Encodable, Sendable, Hashable {
    /// The span on the path during this stretch, 16 lowercase hex digits.
    public var spanID: String
    /// When the stretch begins, Unix microseconds.
    public var start: UInt64
    /// When the stretch ends, Unix microseconds; always after `start`.
    public var end: UInt64

    public init(spanID: String, start: UInt64, end: UInt64) {
        self.spanID = spanID
        self.start = start
        self.end = end
    }
}
