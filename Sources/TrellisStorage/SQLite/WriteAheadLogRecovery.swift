/// What opening an archive with a write-ahead log found in the log: the batches replayed into
/// the archive (accepted before a crash but not yet archived), and a torn last record ignored.
public struct WriteAheadLogRecovery: Hashable, Sendable {
    /// The log file.
    public var path: String
    /// Batches replayed into the archive.
    public var replayedBatches: Int
    /// Spans in those batches.
    public var replayedSpans: Int
    /// Bytes of an incomplete or corrupt last record, ignored (0 after a clean stop).
    public var ignoredTailBytes: Int

    public init(path: String, replayedBatches: Int, replayedSpans: Int, ignoredTailBytes: Int) {
        self.path = path
        self.replayedBatches = replayedBatches
        self.replayedSpans = replayedSpans
        self.ignoredTailBytes = ignoredTailBytes
    }
}
