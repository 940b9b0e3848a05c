import Foundation
import Testing
@testable import TrellisStorage
import TrellisCodec
import TrellisModel

@Suite("Archive write-ahead log")
struct WriteAheadLogTests {
    private func copy(_ from: String, to: String) throws {
        if FileManager.default.fileExists(atPath: to) { try FileManager.default.removeItem(atPath: to) }
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    private func allSpanIDs(_ archive: SQLiteArchive, _ ids: [TraceID]) async throws -> [SpanID] {
        var out: [SpanID] = []
        for id in ids { out += spanIDs(try await archive.trace(id)) }
        return out.sorted()
    }

    @Test func batchesLoggedButNotYetArchivedWhenTheProcessDiedAreReplayed() async throws {
        let directory = try TemporaryDirectory()
        let live = directory.file("live.db")
        let crashed = directory.file("crashed.db")
        let archive = try SQLiteArchive(path: live, writeAheadLog: true)
        let batches = Array(Fixture.batches.prefix(5))
        for batch in batches.prefix(3) { try await archive.write(batch) }
        // The archive's files as a crash would leave them before the last two batches committed...
        try copy(live, to: crashed)
        try copy(live + "-wal", to: crashed + "-wal")
        for batch in batches.suffix(2) { try await archive.write(batch) }
        // ...and the log as it was once those two were acknowledged. The live archive is never closed.
        try copy(SQLiteArchive.writeAheadLogPath(of: live), to: SQLiteArchive.writeAheadLogPath(of: crashed))

        let recovered = try SQLiteArchive(path: crashed, writeAheadLog: true)
        #expect(recovered.recovery == WriteAheadLogRecovery(path: SQLiteArchive.writeAheadLogPath(of: crashed), replayedBatches: 2,
                                                            replayedSpans: batches.suffix(2).reduce(0) { $0 + $1.spanCount }, ignoredTailBytes: 0))
        let ids = Set(batches.flatMap { $0.flattened.map(\.span.traceID) })
        let expected = batches.flatMap { $0.flattened.map(\.span.spanID) }.sorted()
        // Every span once: the first three batches were not replayed a second time.
        #expect(try await allSpanIDs(recovered, Array(ids)) == expected)
        #expect(try await recovered.dependencies(from: 0, to: .max) == (try await archive.dependencies(from: 0, to: .max)))
        #expect(try FileManager.default.attributesOfItem(atPath: SQLiteArchive.writeAheadLogPath(of: crashed))[.size] as? Int == 0)

        // Opening again replays nothing, and writing goes on after the replayed sequence numbers.
        recovered.close()
        let again = try SQLiteArchive(path: crashed, writeAheadLog: true)
        #expect(again.recovery?.replayedBatches == 0)
        try await again.write(Fixture.batches[6])
        #expect(try await again.trace(Fixture.batches[6].flattened[0].span.traceID) != nil)
    }

    @Test func aTornLastRecordIsIgnoredAndReported() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("torn.db")
        let logPath = SQLiteArchive.writeAheadLogPath(of: path)
        let log = try WriteAheadLog(path: logPath)
        let encoder = OTLPProtobufEncoder()
        try log.append(sequence: 1, payload: encoder.encode(Fixture.batches[0]))
        try log.append(sequence: 2, payload: encoder.encode(Fixture.batches[1]))
        let whole = log.byteCount
        try log.append(sequence: 3, payload: encoder.encode(Fixture.batches[2]))
        // The crash cut the third record short.
        let cut = 100
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try handle.truncate(atOffset: UInt64(log.byteCount - cut))
        try handle.close()

        let archive = try SQLiteArchive(path: path, writeAheadLog: true)
        let recovery = try #require(archive.recovery)
        #expect(recovery.replayedBatches == 2)
        #expect(recovery.ignoredTailBytes == log.byteCount - cut - whole)
        #expect(try await archive.trace(Fixture.batches[0].flattened[0].span.traceID) != nil)
        #expect(try await archive.trace(Fixture.batches[1].flattened[0].span.traceID) != nil)
        #expect(try await archive.trace(Fixture.batches[2].flattened[0].span.traceID) == nil)
    }

    @Test func aRecordWithAFlippedByteIsTreatedAsTheTornTail() throws {
        let directory = try TemporaryDirectory()
        let logPath = directory.file("flipped.wal-log")
        let log = try WriteAheadLog(path: logPath)
        try log.append(sequence: 1, payload: Array(repeating: 7, count: 50))
        try log.append(sequence: 2, payload: Array(repeating: 9, count: 50))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: logPath))
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: logPath))
        let contents = try WriteAheadLog(path: logPath).readAll()
        #expect(contents.records.map(\.sequence) == [1])
        #expect(contents.tornBytes == WriteAheadLog.headerBytes + 50)
    }

    @Test func theLogIsEmptiedOnceItsBatchesAreArchivedAndPastItsSize() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.db")
        let logPath = SQLiteArchive.writeAheadLogPath(of: path)
        let small = try SQLiteArchive(path: path, indexedAttributeKeys: SQLiteArchive.defaultIndexedAttributeKeys,
                                      writeAheadLog: true, logTruncationBytes: 1)
        try await small.write(Fixture.batches[0])
        #expect(try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int == 0)
        small.close()

        let large = try SQLiteArchive(path: path, writeAheadLog: true)
        try await large.write(Fixture.batches[1])
        #expect(try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int ?? 0 > 0)
    }

    @Test func concurrentWritesAreAllLoggedAndCommitted() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("concurrent.db")
        let archive = try SQLiteArchive(path: path, writeAheadLog: true)
        let perTrace = Fixture.traceIDs.prefix(120).map { id in Fixture.batches.map { only(id, in: $0) }.first { $0.spanCount > 0 }! }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in perTrace { group.addTask { try await archive.write(batch) } }
            try await group.waitForAll()
        }
        let contents = try WriteAheadLog(path: SQLiteArchive.writeAheadLogPath(of: path)).readAll()
        #expect(contents.records.map(\.sequence) == Array(1...UInt64(perTrace.count)))
        for batch in perTrace {
            #expect(spanIDs(try await archive.trace(batch.flattened[0].span.traceID)) == spanIDs(batch))
        }
    }
}
