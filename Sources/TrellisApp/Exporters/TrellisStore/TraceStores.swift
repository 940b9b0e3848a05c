import Logging
import TrellisModel
import TrellisClickHouse
import TrellisStorage

/// The trace stores of a running Trellis: one per `trellis_store` exporter of the traces
/// pipelines, opened once by `TrellisService` before the pipeline is built, handed to the
/// exporters (which write) and to the query API (which reads the first), and closed by the
/// service after the pipeline has drained and the query API has stopped.
struct TraceStores: Sendable {
    /// Each store by the name of its exporter.
    let byExporter: [String: CombinedStore]
    /// The store the query API reads (and the spanmetrics connectors flush into): `query.storage`'s,
    /// or that of the `traces` pipeline's first `trellis_store` exporter.
    let queried: CombinedStore?
    /// Every attribute key an archive indexes: the receivers' slices collect their values.
    let indexedKeys: IndexedKeys

    /// Opens the store of `query.storage` and of every `trellis_store` exporter the pipelines list. Throws when
    /// an archive cannot be opened (a newer schema, a corrupted file); stores opened before are closed.
    init(_ config: TrellisConfig, logger: Logger) throws(StorageError) {
        var stores: [String: CombinedStore] = [:]
        var queried: CombinedStore?
        for name in [config.query.storage].compactMap({ $0 }) + config.service.pipelines.flatMap(\.exporters) where stores[name] == nil {
            guard case .trellisStore(let settings) = config.exporters.first(where: { $0.name == name })?.config else { continue }
            do {
                let store = try Self.open(settings, logger: logger)
                stores[name] = store
                queried = queried ?? store
            } catch {
                for store in stores.values { store.archive.close() }
                throw error
            }
        }
        byExporter = stores
        self.queried = queried
        indexedKeys = IndexedKeys(stores.values.reduce(into: Set<String>()) { $0.formUnion($1.archive.indexedAttributeKeys) })
    }

    /// Closes every archive (SQLite checkpoints its WAL into the file).
    func close() {
        for store in byExporter.values { store.archive.close() }
    }

    /// Opens (creating, migrating and, with `archive.wal`, replaying) the archive and puts a ring
    /// in front of it. Throws when the archive cannot be opened; the error names the file and why.
    private static func open(_ config: TrellisStoreConfig, logger: Logger) throws(StorageError) -> CombinedStore {
        let indexedKeys = config.indexedAttributes.map(Set.init) ?? SQLiteArchive.defaultIndexedAttributeKeys
        if let clickHouse = config.clickHouse {
            let archive = try ClickHouseArchive(settings: clickHouse.settings, indexedAttributeKeys: indexedKeys)
            // Other samplers write the same archive, so this ring never holds every recent span:
            // a watermark that never passes makes every read ask the archive too.
            let ring = RingStore(maxBytes: config.ringMaxBytes.bytes, indexedAttributeKeys: indexedKeys, startUnixNano: .max)
            return CombinedStore(ring: ring, archive: archive)
        }
        let archive = try SQLiteArchive(path: config.archivePath, indexedAttributeKeys: indexedKeys, writeAheadLog: config.writeAheadLog)
        if let recovery = archive.recovery {
            if recovery.replayedBatches > 0 {
                logger.notice("replayed the archive's write-ahead log",
                              metadata: ["path": "\(recovery.path)", "batches": "\(recovery.replayedBatches)", "spans": "\(recovery.replayedSpans)"])
            }
            if recovery.ignoredTailBytes > 0 {
                logger.warning("ignored a torn last record of the archive's write-ahead log (a write cut short by a crash; it was never acknowledged)",
                               metadata: ["path": "\(recovery.path)", "bytes": "\(recovery.ignoredTailBytes)"])
            }
        }
        return CombinedStore(ring: RingStore(maxBytes: config.ringMaxBytes.bytes, indexedAttributeKeys: archive.indexedAttributeKeys),
                             archive: archive)
    }
}
