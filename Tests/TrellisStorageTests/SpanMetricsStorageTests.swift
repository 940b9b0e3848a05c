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
        #expect(try archive.queryPlan(SpanMetricsRows.inRange).contains { $0.contains("USING PRIMARY KEY") })

        // Retention deletes whole minutes before the cutoff, with the dependency buckets.
        while try archive.deleteExpired(olderThan: Self.base + Self.minute, maxRows: 10) > 0 {}
        #expect(try await archive.spanMetrics(service: "api", from: Self.base, to: Self.base + Self.minute).keys.map(\.bucket) == [Self.base + Self.minute])
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
    }
}
