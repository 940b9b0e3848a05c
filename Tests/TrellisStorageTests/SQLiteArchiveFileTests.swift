import Foundation
import Testing
@testable import TrellisStorage
import TrellisCodec
import TrellisModel

@Suite("SQLite archive file")
struct SQLiteArchiveFileTests {
    @Test func openingCreatesParentDirectoriesAndAVersionedWALFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("a/b/c/trellis.db")
        let archive = try SQLiteArchive(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        archive.close()
        let db = try SQLiteConnection(path: path, readOnly: true, create: false)
        #expect(try db.integer("PRAGMA user_version") == Int64(SQLiteArchive.schemaVersion))
        #expect(try db.textRows("PRAGMA journal_mode") == ["wal"])
        db.close()
    }

    @Test func anArchiveFileDeletedOrReplacedWhileOpenIsReported() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("trellis.db")
        let archive = try SQLiteArchive(path: path)
        defer { archive.close() }
        #expect(archive.problem == nil)
        try FileManager.default.removeItem(atPath: path)
        let deleted = try #require(archive.problem)
        #expect(deleted.hasPrefix("the archive file \(path) was deleted or replaced while Trellis runs"))
        // Another file at the same path is not the one being written either.
        FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
        #expect(archive.problem == deleted)
    }

    @Test func aTraceWrittenInTwoBatchesComesBackWhole() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("t.db"))
        let id = Fixture.traceIDs[3]
        let whole = Fixture.batches[0]
        let (first, second) = splitTrace(id, of: whole)
        try await archive.write(first)
        try await archive.write(second)
        let trace = try #require(try await archive.trace(id))
        #expect(spanIDs(trace) == Fixture.spans(of: id).map(\.spanID).sorted())
        // One resource entry per service, not one per write.
        #expect(trace.resourceSpans.count == Set(trace.resourceSpans.map(\.resource.serviceName)).count)
    }

    @Test func reopeningTheFileKeepsEverything() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("restart.db")
        var archive: SQLiteArchive? = try SQLiteArchive(path: path)
        for batch in Fixture.batches { try await archive!.write(batch) }
        let query = TraceQuery(service: "demo-service", limit: 40)
        let before = try await archive!.findTraces(query).map(\.traceID)
        archive!.close()
        archive = nil

        let reopened = try SQLiteArchive(path: path)
        #expect(try await reopened.findTraces(query).map(\.traceID) == before)
        #expect(try await reopened.services() == Set(Fixture.allSpans.map(\.resource.serviceName)).sorted())
        for id in Fixture.traceIDs {
            #expect(spanIDs(try await reopened.trace(id)) == Fixture.spans(of: id).map(\.spanID).sorted())
        }
        // And it keeps accepting writes after the restart.
        var random = SplitMix64(seed: 7)
        let more = SyntheticTraces().request(spanCount: 5, startNanos: Fixture.base + 900_000_000, random: &random)
        try await reopened.write(more)
        #expect(try await reopened.findTraces(TraceQuery(service: "node-service", limit: 1)).map(\.traceID).first == more.flattened[0].span.traceID)
    }

    @Test func expiredBlocksAreDeletedExactlyInSmallSteps() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("retention.db"))
        // One write per trace, so each trace is one block.
        for id in Fixture.traceIDs {
            try await archive.write(TraceBatch(resourceSpans: Fixture.batches.flatMap { only(id, in: $0).resourceSpans }))
        }
        let cutoff = Fixture.base + 150_000_000
        let expired = Set(Fixture.traceIDs.filter { id in Fixture.spans(of: id).allSatisfy { $0.startTimeUnixNano < cutoff } })
        #expect(!expired.isEmpty && expired.count < Fixture.traceIDs.count)

        var deleted = 0
        var steps = 0
        while true {
            let n = try archive.deleteExpired(olderThan: cutoff, maxRows: 16)
            #expect(n <= 16)
            if n == 0 { break }
            deleted += n
            steps += 1
        }
        #expect(deleted == expired.count)
        #expect(steps > 1)
        for id in Fixture.traceIDs {
            let trace = try await archive.trace(id)
            #expect((trace == nil) == expired.contains(id))
        }
        // Search no longer finds them; the rest are all still found.
        let found = Set(try await archive.findTraces(TraceQuery(service: "node-service", limit: 10_000)).map(\.traceID))
        let expectedLive = Set(Fixture.expected(TraceQuery(service: "node-service", limit: 10_000))).subtracting(expired)
        #expect(found == expectedLive)
        #expect(throws: StorageError.invalidRetentionArgument(name: "maxRows", value: 0)) {
            _ = try archive.deleteExpired(olderThan: cutoff, maxRows: 0)
        }
    }

    @Test func sizeRetentionDeletesTheOldestUntilBelowTheLimit() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("size.db"))
        // Enough chunks that the spans, not the empty tables, make most of the file.
        var random = SplitMix64(seed: 3)
        let batches = (0..<60).map { i in
            SyntheticTraces(spansPerTrace: 5).request(spanCount: 1000, startNanos: Fixture.base + UInt64(i) * 1_000_000_000, random: &random)
        }
        for batch in batches { try await archive.write(batch) }
        let full = try archive.storedBytes()
        let limit = full / 2
        while try archive.deleteOldest(untilBytesBelow: limit, maxRows: 5) > 0 {}
        #expect(try archive.storedBytes() < limit)
        // The newest trace survives, the oldest is gone.
        #expect(try await archive.trace(batches[59].flattened.last!.span.traceID) != nil)
        #expect(try await archive.trace(batches[0].flattened[0].span.traceID) == nil)
        try archive.releaseFreePages()
    }

    @Test func spansInTheBlocksOfSchemaVersion3AreConvertedIntoChunks() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("v3.db")
        let v3 = try SQLiteConnection(path: path, readOnly: false, create: true)
        #expect(try v3.textRows("PRAGMA journal_mode = WAL") == ["wal"])
        for version in 0..<3 {
            for sql in ArchiveSchema.migrations[version] { try v3.execute(sql) }
        }
        try v3.execute("PRAGMA user_version = 3")
        // Version 3 kept one uncompressed OTLP block per (trace, write).
        let insert = try v3.statement("INSERT INTO blocks (trace_hi, trace_lo, min_start, max_start, span_count, data) VALUES (?1, ?2, 0, 0, 0, ?3)")
        for batch in Fixture.batches {
            for piece in TracePiece.pieces(of: batch, indexedKeys: []) {
                let (hi, lo) = SQLiteValues.halves(piece.traceID)
                insert.reset()
                insert.bind(1, hi)
                insert.bind(2, lo)
                insert.bind(3, blob: OTLPProtobufEncoder().encode(contents: piece.slices.map(\.content)))
                try insert.run()
            }
        }
        v3.close()

        let archive = try SQLiteArchive(path: path)
        for id in Fixture.traceIDs {
            #expect(spanIDs(try await archive.trace(id)) == Fixture.spans(of: id).map(\.spanID).sorted())
        }
        let query = TraceQuery(service: "payments", attributes: [.equals("deployment.environment", .string("staging"))], limit: 100)
        #expect(try await archive.findTraces(query).map(\.traceID) == Fixture.expected(query))
        archive.close()
        let db = try SQLiteConnection(path: path, readOnly: true, create: false)
        #expect(try db.integer("SELECT count(*) FROM sqlite_master WHERE name = 'blocks'") == 0)
        db.close()
    }

    @Test func aFileFromANewerSchemaIsRefusedAndLeftAlone() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("newer.db")
        let archive = try SQLiteArchive(path: path)
        try await archive.write(Fixture.batches[0])
        archive.close()
        let db = try SQLiteConnection(path: path, readOnly: false, create: false)
        try db.execute("PRAGMA user_version = 99")
        db.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        #expect(throws: StorageError.newerSchema(found: 99, supported: SQLiteArchive.schemaVersion)) {
            _ = try SQLiteArchive(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aCorruptedFileIsReportedAndNotOverwritten() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("corrupt.db")
        let archive = try SQLiteArchive(path: path)
        for batch in Fixture.batches { try await archive.write(batch) }
        archive.close()

        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let pageSize = 4096
        #expect(bytes.count > 40 * pageSize)
        // Garbage over four whole pages in the middle of the file.
        let middle = (bytes.count / 2 / pageSize) * pageSize
        for i in middle..<(middle + 4 * pageSize) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try bytes.write(to: URL(fileURLWithPath: path))

        do {
            _ = try SQLiteArchive(path: path)
            Issue.record("a corrupted archive was opened")
        } catch let error {
            guard case .corrupted(let reportedPath, let detail) = error else {
                Issue.record("expected .corrupted, got \(error)")
                return
            }
            #expect(reportedPath == path)
            #expect(!detail.isEmpty)
            #expect(error.description.contains("not modified"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func aFileThatIsNotADatabaseIsReportedAsCorrupted() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("text.db")
        let junk = Data(String(repeating: "not a database, just text. ", count: 400).utf8)
        try junk.write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteArchive(path: path)
        } throws: { error in
            if case StorageError.corrupted = error { return true }
            return false
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)
    }

    @Test func getTraceAndServiceSearchesUseIndexes() throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("plan.db"))
        let queries = [
            TraceQuery(service: "s", start: 1, end: 2),
            TraceQuery(service: "s", operation: "op", spanKind: .server, minDuration: 5),
            TraceQuery(service: "s", attributes: [.equals("http.route", .string("/x"))], start: 1),
        ]
        var plans = [try archive.queryPlan(ArchiveSearchSQL.traceChunks)]
        for query in queries {
            let sql = ArchiveSearchSQL.candidates(query, serviceID: 1, operationID: query.operation == nil ? nil : 1, indexedKeys: archive.indexedAttributeKeys, maxGroupSpan: 10).sql
            plans.append(try archive.queryPlan(sql))
        }
        for plan in plans {
            #expect(!plan.isEmpty)
            // "SEARCH ... USING INDEX", never a "SCAN" of a table or a temporary sort.
            #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") && !$0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    @Test func aClosedArchiveSaysSo() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("closed.db"))
        archive.close()
        await #expect(throws: StorageError.closed) { try await archive.write(Fixture.batches[0]) }
        await #expect(throws: StorageError.closed) { _ = try await archive.services() }
    }
}

/// The batch with only the spans of one trace.
func only(_ id: TraceID, in batch: TraceBatch) -> TraceBatch {
    TraceBatch(resourceSpans: batch.resourceSpans.compactMap { rs in
        let scopes = rs.scopeSpans.compactMap { ss -> ScopeSpans? in
            let spans = ss.spans.filter { $0.traceID == id }
            return spans.isEmpty ? nil : ScopeSpans(scope: ss.scope, spans: spans, schemaURL: ss.schemaURL)
        }
        return scopes.isEmpty ? nil : ResourceSpans(resource: rs.resource, scopeSpans: scopes, schemaURL: rs.schemaURL)
    })
}

/// One trace's spans from a batch, cut into two batches (alternate spans).
func splitTrace(_ id: TraceID, of batch: TraceBatch) -> (TraceBatch, TraceBatch) {
    var counter = 0
    var halves = (TraceBatch(), TraceBatch())
    for rs in only(id, in: batch).resourceSpans {
        for ss in rs.scopeSpans {
            for span in ss.spans {
                let piece = ResourceSpans(resource: rs.resource, scopeSpans: [ScopeSpans(scope: ss.scope, spans: [span])], schemaURL: rs.schemaURL)
                if counter % 2 == 0 { halves.0.resourceSpans.append(piece) } else { halves.1.resourceSpans.append(piece) }
                counter += 1
            }
        }
    }
    return halves
}
