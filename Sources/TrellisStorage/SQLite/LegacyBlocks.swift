import TrellisCodec
import TrellisModel

/// The span storage of schema versions 1 to 3 — one uncompressed OTLP block per (trace, write)
/// in `blocks`, with `span_groups` and `indexed_attributes` — converted into chunks by the
/// version 4 migration, inside its transaction; the old tables are dropped after.
enum LegacyBlocks {
    static func convert(_ db: SQLiteConnection, indexedKeys: Set<String>) throws(StorageError) {
        let writer = ArchiveWriterConnection(db: db)
        let decoder = OTLPProtobufDecoder()
        let select = try db.statement("SELECT data FROM blocks ORDER BY id")
        var pending = TraceBatch()
        while try select.step() {
            do {
                pending.resourceSpans += try decoder.decode(select.blob(0)).batch.resourceSpans
            } catch {
                throw .undecodableBlock(detail: "converting a version 3 block: \(error)")
            }
            if pending.spanCount >= EncodedChunk.targetSpans {
                try flush(&pending, writer, indexedKeys)
            }
        }
        select.reset()
        try flush(&pending, writer, indexedKeys)
        for table in ["indexed_attributes", "span_groups", "blocks"] {
            try db.execute("DROP TABLE " + table)
        }
    }

    private static func flush(_ batch: inout TraceBatch, _ writer: ArchiveWriterConnection, _ indexedKeys: Set<String>) throws(StorageError) {
        guard batch.spanCount > 0 else { return }
        try writer.insert(EncodedChunk.make(TracePiece.pieces(of: batch, indexedKeys: indexedKeys), keepRecord: false).chunks)
        batch = TraceBatch()
    }
}
