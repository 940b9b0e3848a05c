import TrellisModel

/// The chunks one archive search decoded, the newest `capacity` of them: a search's hits cluster
/// in the few chunks written when they arrived, and their traces are cut from those same chunks.
struct ChunkCache {
    static let capacity = 8

    private var chunks: [(id: Int64, batch: TraceBatch)] = []

    /// The decoded chunk, from the cache or from `decode` (which then joins the cache, pushing
    /// out the chunk decoded longest ago).
    mutating func chunk(_ id: Int64, decodedBy decode: (Int64) throws(StorageError) -> TraceBatch) throws(StorageError) -> TraceBatch {
        if let kept = chunks.first(where: { $0.id == id }) { return kept.batch }
        let batch = try decode(id)
        if chunks.count == Self.capacity { chunks.removeFirst() }
        chunks.append((id, batch))
        return batch
    }
}
