import Testing
@testable import TrellisStorage
import TrellisModel

/// What the ring counts for a batch holding one trace.
private func ringBytes(_ batch: TraceBatch) -> Int {
    TracePiece.pieces(of: batch, indexedKeys: []).reduce(0) { $0 + $1.footprintBytes }
}

@Suite("Ring and combined store")
struct RingAndCombinedStoreTests {
    @Test func theRingCountsExactlyTheFootprintOfWhatItHoldsAndEvictsTheOldestFirst() async throws {
        let perTrace = Fixture.traceIDs.prefix(100).map { id in Fixture.batches.map { only(id, in: $0) }.first { $0.spanCount > 0 }! }
        let budget = perTrace.prefix(30).reduce(0) { $0 + ringBytes($1) }
        let ring = RingStore(maxBytes: budget)
        for batch in perTrace { try await ring.write(batch) }
        #expect(ring.usedBytes <= budget)
        // What is held is a suffix of the arrival order, and the bytes are its exact footprint.
        let held = perTrace.filter { ring.contains($0.flattened[0].span.traceID) }
        #expect(held.count == ring.traceCount)
        #expect(held.map(\.flattened[0].span.traceID) == perTrace.suffix(held.count).map(\.flattened[0].span.traceID))
        #expect(ring.usedBytes == held.reduce(0) { $0 + ringBytes($1) })
        #expect(ring.evictedTraces == 100 - held.count)
        #expect(try await ring.trace(perTrace[0].flattened[0].span.traceID) == nil)
    }

    @Test func shrinkingTheRingEvictsItsOldestTracesDownToTheFraction() async throws {
        let perTrace = Fixture.traceIDs.prefix(40).map { id in Fixture.batches.map { only(id, in: $0) }.first { $0.spanCount > 0 }! }
        let ring = RingStore(maxBytes: 1 << 30)
        for batch in perTrace { try await ring.write(batch) }
        let before = ring.usedBytes
        ring.shrink(to: 0.5)
        #expect(ring.usedBytes <= before / 2 && ring.usedBytes > 0)
        let held = perTrace.filter { ring.contains($0.flattened[0].span.traceID) }
        #expect(held.map(\.flattened[0].span.traceID) == perTrace.suffix(held.count).map(\.flattened[0].span.traceID))
        #expect(ring.evictedTraces == 40 - held.count)
    }

    @Test func theRingJoinsATraceArrivingInTwoBatches() async throws {
        let ring = RingStore(maxBytes: 1 << 24)
        let id = Fixture.traceIDs[5]
        let (first, second) = splitTrace(id, of: Fixture.batches[0])
        try await ring.write(first)
        try await ring.write(second)
        #expect(ring.traceCount == 1)
        let trace = try await ring.trace(id)
        #expect(spanIDs(trace) == Fixture.spans(of: id).map(\.spanID).sorted())
        #expect(ring.usedBytes == ringBytes(first) + ringBytes(second))
    }

    @Test func aTraceEvictedFromTheRingIsStillServedFromTheArchive() async throws {
        let directory = try TemporaryDirectory()
        let ring = RingStore(maxBytes: 50_000)
        let store = CombinedStore(ring: ring, archive: try SQLiteArchive(path: directory.file("c.db")))
        for batch in Fixture.batches { try await store.write(batch) }
        let oldest = Fixture.traceIDs[0]
        #expect(!ring.contains(oldest))
        #expect(ring.usedBytes <= 50_000)
        #expect(ring.evictedTraces > 0)
        let trace = try await store.trace(oldest)
        #expect(spanIDs(trace) == Fixture.spans(of: oldest).map(\.spanID).sorted())
        let everything = try await store.findTraces(TraceQuery(service: "node-service", limit: 10_000)).map(\.traceID)
        #expect(everything.contains(oldest))
        #expect(everything.count == Set(everything).count)
    }

    @Test func aTraceWithSpansInBothIsTheUnionOfItsSpans() async throws {
        let directory = try TemporaryDirectory()
        let ring = RingStore(maxBytes: 1 << 24)
        let archive = try SQLiteArchive(path: directory.file("u.db"))
        let store = CombinedStore(ring: ring, archive: archive)
        let id = Fixture.traceIDs[8]
        let (first, second) = splitTrace(id, of: Fixture.batches[0])
        try await archive.write(first)
        try await ring.write(second)
        // One span in both places.
        try await ring.write(only(id, in: TraceBatch(resourceSpans: [first.resourceSpans[0]])))
        let trace = try await store.trace(id)
        let ids = spanIDs(trace)
        #expect(ids == Fixture.spans(of: id).map(\.spanID).sorted())
        #expect(ids.count == Set(ids).count)
        let found = try await store.findTraces(TraceQuery(service: "node-service"))
        #expect(found.map(\.traceID) == [id])
        #expect(spanIDs(found.first?.trace) == ids)
    }

    @Test func aTraceTheRingHoldsWholeIsReadWithoutTouchingTheArchive() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("w.db"))
        let store = CombinedStore(ring: RingStore(maxBytes: 1 << 26, startUnixNano: 0), archive: archive)
        for batch in Fixture.batches { try await store.write(batch) }
        let id = Fixture.traceIDs[3]
        // With the archive closed, any read that reached it would throw.
        archive.close()
        let trace = try await store.trace(id)
        #expect(spanIDs(trace) == Fixture.spans(of: id).map(\.spanID).sorted())
        let recent = try await store.findTraces(TraceQuery(service: "node-service", start: Fixture.base, limit: 5)).map(\.traceID)
        #expect(recent.count == 5)
        // No time range, but the ring fills the results with spans newer than its watermark.
        let newest = try await store.findTraces(TraceQuery(service: "node-service", limit: 5)).map(\.traceID)
        #expect(newest == recent)
    }

    @Test func aTraceWhoseRootTheRingLacksIsJoinedWithTheArchive() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("j.db"))
        let ring = RingStore(maxBytes: 1 << 26, startUnixNano: 0)
        let store = CombinedStore(ring: ring, archive: archive)
        let id = Fixture.traceIDs[4]
        let spans = Fixture.spans(of: id)
        let trace = only(id, in: Fixture.batches[0])
        let root = trace.keeping { $0.isRoot }
        let children = trace.keeping { !$0.isRoot }
        #expect(root.spanCount == 1 && children.spanCount == spans.count - 1)
        // The root was stored before the ring began (as by an earlier run); its children after.
        try await archive.write(root)
        try await store.write(children)
        #expect(try ring.wholeTrace(id) == nil)
        #expect(spanIDs(try await store.trace(id)) == spans.map(\.spanID).sorted())
        // The ring alone answers a search after its watermark; the trace found is completed from the archive.
        let childService = try #require(children.resourceSpans.first?.resource.serviceName)
        let found = try await store.findTraces(TraceQuery(service: childService, start: 1))
        #expect(found.map(\.traceID) == [id])
        #expect(spanIDs(found.first?.trace) == spans.map(\.spanID).sorted())
        archive.close()
        await #expect(throws: StorageError.closed) { try await store.trace(id) }
    }

    @Test func evictionRaisesTheWatermarkSoALateSpanOfAnEvictedTraceIsJoinedWithTheArchive() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("e.db"))
        let ring = RingStore(maxBytes: 60_000, startUnixNano: 0)
        let store = CombinedStore(ring: ring, archive: archive)
        let id = Fixture.traceIDs[0]
        let trace = only(id, in: Fixture.batches[0])
        try await store.write(trace)
        for batch in Fixture.batches.dropFirst() { try await store.write(batch) }
        #expect(!ring.contains(id))
        #expect(ring.watermark >= Fixture.spans(of: id).map(\.startTimeUnixNano).max()!)
        // The root arrives again late (a retry): the ring holds it alone, which is not the whole trace.
        try await store.write(trace.keeping { $0.isRoot })
        #expect(ring.contains(id))
        #expect(try ring.wholeTrace(id) == nil)
        #expect(spanIDs(try await store.trace(id)) == Fixture.spans(of: id).map(\.spanID).sorted())
        archive.close()
    }
}

extension TraceBatch {
    /// The batch with only the spans that satisfy `keep`, under their resources and scopes.
    func keeping(_ keep: (Span) -> Bool) -> TraceBatch {
        TraceBatch(resourceSpans: resourceSpans.compactMap { rs in
            let scopes = rs.scopeSpans.compactMap { ss -> ScopeSpans? in
                let spans = ss.spans.filter(keep)
                return spans.isEmpty ? nil : ScopeSpans(scope: ss.scope, spans: spans, schemaURL: ss.schemaURL)
            }
            return scopes.isEmpty ? nil : ResourceSpans(resource: rs.resource, scopeSpans: scopes, schemaURL: rs.schemaURL)
        })
    }
}
