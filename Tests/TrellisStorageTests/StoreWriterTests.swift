import Synchronization
import Testing
@testable import TrellisStorage
import TrellisModel

@Suite("Store writer")
struct StoreWriterTests {
    /// Counts what the writer reports.
    final class Reports: Sendable {
        let written = Atomic<Int>(0)
        let failed = Atomic<Int>(0)

        var events: StoreWriter.Events {
            StoreWriter.Events(written: { self.written.wrappingAdd($0, ordering: .relaxed) },
                               failed: { spans, _ in self.failed.wrappingAdd(spans, ordering: .relaxed) })
        }
    }

    @Test func everyQueuedBatchIsInTheRingAndTheArchiveWhenShutdownReturns() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("w.db"))
        let store = CombinedStore(ring: RingStore(maxBytes: 1 << 26), archive: archive)
        let reports = Reports()
        // A small queue and small commits, so writers wait for room and the queue is taken in parts.
        let writer = StoreWriter(store: store, capacitySpans: 300, maxSpansPerCommit: 200, events: reports.events)
        for batch in Fixture.batches { try await writer.write(batch.slices) }
        let undelivered = await writer.shutdown(deadline: .now + .seconds(60))
        #expect(undelivered == 0)
        #expect(reports.written.load(ordering: .relaxed) == Fixture.allSpans.count)
        #expect(writer.queuedSpans == 0)
        for id in Fixture.traceIDs.prefix(20) {
            let expected = Fixture.spans(of: id).map(\.spanID).sorted()
            #expect(spanIDs(try await archive.trace(id)) == expected)
            #expect(spanIDs(try await store.ring.trace(id)) == expected)
        }
        archive.close()
    }

    @Test func aWriteThatKeepsFailingIsRetriedThenCountedAsUndeliveredAtTheDeadline() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("f.db"))
        archive.close()
        let reports = Reports()
        let writer = StoreWriter(store: CombinedStore(ring: RingStore(maxBytes: 1 << 24), archive: archive), events: reports.events)
        let batch = Fixture.batches[0]
        try await writer.write(batch.slices)
        let undelivered = await writer.shutdown(deadline: .now)
        #expect(undelivered == batch.spanCount)
        #expect(reports.failed.load(ordering: .relaxed) >= batch.spanCount)
        #expect(reports.written.load(ordering: .relaxed) == 0)
    }

    @Test func writesAfterShutdownAreRefused() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("r.db"))
        let writer = StoreWriter(store: CombinedStore(ring: RingStore(maxBytes: 1 << 24), archive: archive))
        #expect(await writer.shutdown(deadline: .now + .seconds(5)) == 0)
        await #expect(throws: StorageError.closed) { try await writer.write(Fixture.batches[0].slices) }
        archive.close()
    }
}

extension TraceBatch {
    /// The batch split into slices as the receivers split requests, with the archive's default indexed keys.
    var slices: [TraceSlice] { TraceSlice.slices(of: self, indexedKeys: IndexedKeys(SQLiteArchive.defaultIndexedAttributeKeys)) }
}
