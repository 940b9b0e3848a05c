import TrellisModel

/// One trace a search found (`TraceReader.findTraces`): its spans and its rank.
public struct FoundTrace: Sendable, Equatable {
    public var traceID: TraceID
    /// The start of the trace's latest matching span, Unix nanoseconds: searches rank on it, newest first.
    public var latestMatchStart: UInt64
    /// Every span of the trace the reader holds, grouped under resources and scopes, each span ID once.
    public var trace: TraceBatch
    /// False when the reader is a tier that may hold only part of the trace (the ring, for a
    /// trace that began before its watermark); a store that holds every span says true.
    public var isWhole: Bool

    public init(traceID: TraceID, latestMatchStart: UInt64, trace: TraceBatch, isWhole: Bool) {
        self.traceID = traceID
        self.latestMatchStart = latestMatchStart
        self.trace = trace
        self.isWhole = isWhole
    }

    var hit: TraceHit { TraceHit(traceID: traceID, latestStart: latestMatchStart) }
}
