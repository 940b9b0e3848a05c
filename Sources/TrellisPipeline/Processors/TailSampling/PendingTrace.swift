import TrellisModel

/// A trace being decided, as the policies see it: the facts the slices' summaries hold (span
/// count, bounds, status codes) and the attribute values and trace states the policies read
/// (`PolicyInputs`), taken when the slices arrived. Nothing is decoded to decide.
struct PendingTrace {
    let traceID: TraceID
    let slices: [TraceSlice]
    let inputs: SliceInputs
    let spanCount: Int
    let earliestStartNanos: UInt64
    let latestEndNanos: UInt64

    init(traceID: TraceID, slices: [TraceSlice], inputs: SliceInputs) {
        self.traceID = traceID
        self.slices = slices
        self.inputs = inputs
        spanCount = slices.spanCount
        earliestStartNanos = slices.reduce(.max) { min($0, $1.summary.firstStart) }
        latestEndNanos = slices.reduce(0) { max($0, $1.summary.lastEnd) }
    }

    /// Latest end minus earliest start, in nanoseconds (0 for an empty or inverted trace).
    var durationNanos: UInt64 {
        latestEndNanos >= earliestStartNanos ? latestEndNanos - earliestStartNanos : 0
    }

    /// True when some span has this status code.
    func hasSpan(withStatus code: SpanStatus.Code) -> Bool {
        slices.contains { $0.summary.has(code) }
    }

    /// True when a resource or span attribute named `key` (one a policy names) satisfies `match`.
    func anyAttribute(_ key: String, _ match: (AttributeValue) -> Bool) -> Bool {
        inputs.attributes.contains { $0.key == key && match($0.value) }
    }

    /// The distinct W3C trace states of the spans (read when a `trace_state` policy is configured).
    var traceStates: [String] { inputs.traceStates }
}
