import TrellisModel

/// A trace waiting for its sampling decision, as the processor holds it: its slices with their
/// spans encoded (about their OTLP wire size, the bytes the store will keep), plus what
/// scheduling needs. The policies look at it through `PendingTrace`.
struct BufferedTrace {
    let traceID: TraceID
    /// Distinguishes this buffering of the trace from an earlier one with the same ID
    /// (after a decision was forgotten), so stale queue entries are recognised.
    let sequence: UInt64
    /// When the first span arrived (processor clock, time since the processor started).
    let firstArrival: Duration
    /// When a root span arrived, if one did.
    var rootArrival: Duration?
    private(set) var slices: [TraceSlice] = []
    /// What the policies read beyond the summaries.
    private(set) var inputs = SliceInputs()
    private(set) var spanCount = 0
    /// Heap bytes the buffered trace holds, as added to the memory accountant.
    private(set) var footprintBytes = 0

    init(traceID: TraceID, sequence: UInt64, firstArrival: Duration) {
        self.traceID = traceID
        self.sequence = sequence
        self.firstArrival = firstArrival
    }

    /// Keeps an (encoded) slice of this trace and what the policies read of it.
    mutating func add(_ slice: TraceSlice, inputs more: SliceInputs) {
        slices.append(slice)
        inputs.merge(more)
        spanCount += slice.summary.spanCount
        footprintBytes += slice.footprintBytes
    }
}
