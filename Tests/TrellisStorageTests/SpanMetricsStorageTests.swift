import Testing
import TrellisModel
@testable import TrellisClickHouse
@testable import TrellisStorage

@Suite("Span metrics in the archive")
struct SpanMetricsStorageTests {
    private static let minute = SpanMetricsKey.bucketNanos
    private static let base: UInt64 = 1_800_000_000 * 1_000_000_000

    private static func counts(_ calls: UInt64, errors: UInt64, millis: UInt64) -> SpanMetricsCounts {
        var out = SpanMetricsCounts()
        for i in 0..<calls { out.record(durationNanos: millis * 1_000_000, isError: i < errors) }
        return out
    }

    @Test func flushesAddUpPerMinuteAndAServiceReadsItsOwnRange() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("metrics.db"))
        try await Self.checkFlushesAddUp(archive)
        for sql in [SpanMetricsRows.inRange, SpanMetricsRows.servicesInRange] {
            #expect(try archive.queryPlan(sql).contains { $0.contains("USING PRIMARY KEY") }, "\(sql)")
        }

        // Retention deletes whole minutes before the cutoff, with the dependency buckets.
        while try archive.deleteExpired(olderThan: Self.base + Self.minute, maxRows: 10) > 0 {}
        #expect(try await archive.spanMetrics(service: "api", from: Self.base, to: Self.base + Self.minute).keys.map(\.bucket) == [Self.base + Self.minute])
    }

    @Test func sizeRetentionDeletesTheMinutesBeforeTheOldestTraceKept() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("size.db"))
        // A write of traces (and their dependency buckets) in each of 60 minutes, span metrics in those and 2 later minutes.
        var random = SplitMix64(seed: 5)
        let batches = try await Self.writeEachMinute(to: archive, random: &random)
        try Self.countOneCall(inEach: 0..<62, in: archive)
        func minutes() async throws -> [UInt64] {
            try await archive.spanMetrics(service: "api", from: 0, to: .max).keys.map { ($0.bucket - Self.base) / Self.minute }.sorted()
        }
        func stored(_ batch: TraceBatch) async throws -> Bool {
            for id in Set(batch.flattened.map(\.span.traceID)) where try await archive.trace(id) != nil { return true }
            return false
        }

        let limit = try archive.storedBytes() / 2
        while try archive.deleteOldest(untilBytesBelow: limit, maxRows: 5) > 0 {}
        var oldest = batches.count - 1
        while oldest > 0, try await stored(batches[oldest - 1]) { oldest -= 1 }
        try #require(oldest > 0 && oldest < 59, "size retention kept batches \(oldest)... of 60")
        let kept = Self.base + UInt64(oldest) * Self.minute
        #expect(try await minutes() == Array(UInt64(oldest)..<62))
        #expect(try await archive.dependencies(from: 0, to: kept - 1).isEmpty)
        #expect(try await !archive.dependencies(from: kept, to: kept + Self.minute - 1).isEmpty)

        // With no trace left, the minutes before the newest deleted span go; later ones stay.
        while try archive.deleteOldest(untilBytesBelow: 1, maxRows: 50) > 0 {}
        #expect(try await !stored(batches[59]))
        let last = Self.base + 59 * Self.minute
        #expect(try await minutes() == [59, 60, 61])
        #expect(try await archive.dependencies(from: 0, to: last - 1).isEmpty)
        #expect(try await !archive.dependencies(from: last, to: .max).isEmpty)
    }

    @Test func sizeRetentionKeepsTheMinutesOfALateWriteThatReachesBack() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("late.db"))
        var random = SplitMix64(seed: 6)
        let batches = try await Self.writeEachMinute(to: archive, random: &random)
        // One last write holds a straggler trace from minute 0 beside traces of minute 59: its chunk ends last and reaches back furthest.
        let straggler = SyntheticTraces(spansPerTrace: 5).request(spanCount: 5, startNanos: Self.base, random: &random)
        let late = SyntheticTraces(spansPerTrace: 5).request(spanCount: 1000, startNanos: Self.base + 59 * Self.minute, random: &random)
        try await archive.write(TraceBatch(resourceSpans: straggler.resourceSpans + late.resourceSpans))
        try Self.countOneCall(inEach: 0..<60, in: archive)
        let limit = try archive.storedBytes() / 2
        while try archive.deleteOldest(untilBytesBelow: limit, maxRows: 5) > 0 {}
        let stragglerID = try #require(straggler.flattened.first?.span.traceID), firstID = try #require(batches[0].flattened.first?.span.traceID)
        let stragglerKept = try await archive.trace(stragglerID) != nil, firstKept = try await archive.trace(firstID) != nil
        try #require(stragglerKept && !firstKept, "size retention deleted the first minute's write and kept the late one")
        // The straggler's minute 0 still has trace data, so no minute row goes.
        #expect(try await archive.spanMetrics(service: "api", from: 0, to: .max).count == 60)
        #expect(try await !archive.dependencies(from: Self.base, to: Self.base + Self.minute - 1).isEmpty)
    }

    /// Writes 1,000 spans (and their dependency buckets) in each of the 60 minutes from `base`, one write each; returns the writes.
    private static func writeEachMinute(to archive: SQLiteArchive, random: inout SplitMix64) async throws -> [TraceBatch] {
        let batches = (0..<60).map { i in
            SyntheticTraces(spansPerTrace: 5).request(spanCount: 1000, startNanos: base + UInt64(i) * minute, random: &random)
        }
        for batch in batches { try await archive.write(batch) }
        return batches
    }

    /// Span metrics of one call of api's GET / in each of `minutes` (counted from `base`).
    private static func countOneCall(inEach minutes: Range<Int>, in archive: SQLiteArchive) throws {
        for i in minutes {
            try archive.writeSpanMetrics([SpanMetricsKey(bucket: base + UInt64(i) * minute, service: "api", operation: "GET /", kind: .server): counts(1, errors: 0, millis: 1)])
        }
    }

    @Test func clickHouseFlushesAddUpPerMinuteAndAServiceReadsItsOwnRange() async throws {
        let archive = try ClickHouseArchive(settings: try ClickHouseTestServer.shared.get().freshArchiveSettings())
        try await Self.checkFlushesAddUp(archive)
    }

    /// Two flushes over two minutes and two services: what `spanMetrics` reads back.
    private static func checkFlushesAddUp(_ archive: any TraceArchive) async throws {
        let first = SpanMetricsKey(bucket: Self.base, service: "api", operation: "GET /", kind: .server)
        let next = SpanMetricsKey(bucket: Self.base + Self.minute, service: "api", operation: "GET /", kind: .server)
        let other = SpanMetricsKey(bucket: Self.base, service: "db", operation: "SELECT", kind: .client)
        try archive.writeSpanMetrics([first: Self.counts(3, errors: 1, millis: 10), other: Self.counts(1, errors: 0, millis: 1)])
        try archive.writeSpanMetrics([first: Self.counts(2, errors: 2, millis: 30), next: Self.counts(4, errors: 0, millis: 5)])

        let read = try await archive.spanMetrics(service: "api", from: Self.base + 5, to: Self.base + Self.minute + 5)
        #expect(read.count == 2)
        let merged = try #require(read[first])
        #expect(merged.calls == 5 && merged.errors == 3 && merged.latency.total == 5)
        #expect(merged.latency == Self.counts(3, errors: 1, millis: 10).merging(Self.counts(2, errors: 2, millis: 30)).latency)
        #expect(read[next]?.calls == 4)
        #expect(try await archive.spanMetrics(service: "api", from: Self.base + Self.minute, to: Self.base + Self.minute).keys.map(\.bucket) == [Self.base + Self.minute])
        await #expect(throws: StorageError.self) { try await archive.spanMetrics(service: "api", from: 2, to: 1) }

        #expect(try await archive.spanMetricsServices(from: Self.base + 5, to: Self.base + 5) == ["api", "db"])
        #expect(try await archive.spanMetricsServices(from: Self.base + Self.minute, to: Self.base + 9 * Self.minute) == ["api"])
        #expect(try await archive.spanMetricsServices(from: 0, to: Self.base - 1) == [])
        await #expect(throws: StorageError.self) { try await archive.spanMetricsServices(from: 2, to: 1) }
    }
}
