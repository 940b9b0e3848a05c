import TrellisModel

/// One accepted write waiting for the archive's writer: its sequence number (the order of
/// acceptance, which is also the order of the write-ahead log), its encoded chunks and its
/// dependency summaries. The writer commits every pending write in one transaction.
struct PendingWrite: Sendable {
    var sequence: UInt64
    var chunks: [EncodedChunk]
    var dependencies: [UInt64: DependencySummary]
}
