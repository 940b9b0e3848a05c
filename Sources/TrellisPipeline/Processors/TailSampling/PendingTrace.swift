import TrellisCodec
import TrellisModel

/// A trace being decided, as the policies see it: the facts the slices' summaries hold
/// (span count, bounds, status codes), and its attributes and spans, which are decoded only
/// when a policy asks for them.
struct PendingTrace {
    let traceID: TraceID
    let slices: [TraceSlice]
    let spanCount: Int
    let earliestStartNanos: UInt64
    let latestEndNanos: UInt64
    /// Reads encoded spans; the processor's, used under its lock.
    private let decoder: SliceDecoder

    init(traceID: TraceID, slices: [TraceSlice], decoder: SliceDecoder) {
        self.traceID = traceID
        self.slices = slices
        self.decoder = decoder
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

    /// True when a resource attribute or a span attribute named `key` satisfies `match`.
    func anyAttribute(_ key: String, _ match: (AttributeValue) -> Bool) -> Bool {
        for slice in slices {
            if let value = slice.resource.attributes[key: key], match(value) { return true }
        }
        return anySpan { span in span.attributes[key: key].map(match) ?? false }
    }

    /// True when some span satisfies `match`. Spans whose bytes do not decode (never the case
    /// for slices this process encoded) do not match.
    func anySpan(_ match: (Span) -> Bool) -> Bool {
        for slice in slices {
            guard let scopes = try? decoder.scopes(of: slice) else { continue }
            for scope in scopes where scope.spans.contains(where: match) { return true }
        }
        return false
    }
}
