import Foundation
import Testing
@testable import TrellisClickHouse
@testable import TrellisStorage
import TrellisModel

/// Greeting traces (node-service → demo-service → postgresql) in two minutes an hour apart,
/// with known callee durations and errors.
private enum Greetings {
    static let minute: UInt64 = 60_000_000_000
    /// The start of the first bucket: a whole minute.
    static let early: UInt64 = 28_333_333 * minute
    static let late = early + 60 * minute

    /// Durations of demo-service's SERVER spans: 10…200 ms in the early minute, 1…2 s late.
    static let earlyDurations: [UInt64] = (1...20).map { UInt64($0) * 10_000_000 }
    static let lateDurations: [UInt64] = (1...10).map { 1_000_000_000 + UInt64($0) * 100_000_000 }

    /// One batch per trace; every third early trace and every late trace ends in error.
    static var batches: [TraceBatch] {
        var out: [TraceBatch] = []
        for (i, d) in earlyDurations.enumerated() {
            out.append(trace(UInt64(i + 1), start: early + UInt64(i) * 1_000_000_000, calleeNanos: d, error: i % 3 == 0))
        }
        for (i, d) in lateDurations.enumerated() {
            out.append(trace(UInt64(100 + i), start: late + UInt64(i) * 2_000_000_000, calleeNanos: d, error: true))
        }
        return out
    }

    static func histogram(_ durations: [UInt64]) -> LatencyHistogram {
        var h = LatencyHistogram()
        for d in durations { h.record(nanos: d) }
        return h
    }

    private static func trace(_ n: UInt64, start: UInt64, calleeNanos: UInt64, error: Bool) -> TraceBatch {
        let id = TraceID(high: n, low: n * 7919)
        func span(_ s: UInt64, parent: UInt64, kind: SpanKind, start: UInt64, nanos: UInt64, error: Bool = false, attributes: [Attribute] = []) -> Span {
            Span(traceID: id, spanID: SpanID(n * 10 + s), parentSpanID: parent == 0 ? .none : SpanID(n * 10 + parent), name: "op\(s)",
                 kind: kind, startTimeUnixNano: start, endTimeUnixNano: start + nanos, attributes: attributes,
                 status: error ? SpanStatus(code: .error) : .unset)
        }
        func resource(_ name: String, _ spans: [Span]) -> ResourceSpans {
            ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(name))]),
                          scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "test"), spans: spans)])
        }
        return TraceBatch(resourceSpans: [
            resource("node-service", [
                span(1, parent: 0, kind: .server, start: start, nanos: calleeNanos + 4_000_000),
                span(2, parent: 1, kind: .client, start: start + 1_000, nanos: calleeNanos + 2_000_000),
            ]),
            resource("demo-service", [
                span(3, parent: 2, kind: .server, start: start + 1_000_000, nanos: calleeNanos, error: error),
                span(4, parent: 3, kind: .client, start: start + 1_500_000, nanos: 500_000,
                     attributes: [Attribute("db.system", .string("postgresql"))]),
            ]),
        ])
    }
}

@Suite("Dependency aggregation")
struct DependencyAggregationTests {
    private func loaded(_ kind: StoreKind, in directory: TemporaryDirectory) async throws -> any TraceReader & TraceWriter {
        let store: any TraceReader & TraceWriter
        switch kind {
        case .ring: store = RingStore(maxBytes: 1 << 24)
        case .archive: store = try SQLiteArchive(path: directory.file("deps.db"))
        // Every write holds whole traces: nothing waits for a later write.
        case .combined: store = CombinedStore(ring: RingStore(maxBytes: 1 << 24), archive: try SQLiteArchive(path: directory.file("deps.db")), dependencyWait: .zero)
        case .clickHouse: store = try ClickHouseArchive(settings: try ClickHouseTestServer.shared.get().freshArchiveSettings())
        }
        for batch in Greetings.batches { try await store.write(batch) }
        return store
    }

    @Test(arguments: StoreKind.allCases)
    func edgesCountCallsErrorsAndLatencyPercentilesOverARange(_ kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try await loaded(kind, in: directory)
        let summary = try await store.dependencies(from: Greetings.early, to: Greetings.late + Greetings.minute - 1)

        #expect(summary.sortedLinks.map { "\($0.parent)->\($0.child)" } == ["demo-service->postgresql", "node-service->demo-service"])
        let call = try #require(summary.links[.init(parent: "node-service", child: "demo-service")])
        #expect(call.callCount == 30)
        #expect(call.errorCount == 7 + 10)
        #expect(!call.childIsVirtual)
        let all = Greetings.histogram(Greetings.earlyDurations + Greetings.lateDurations)
        #expect(call.latency == all)
        #expect(call.latency.quantile(0.5) == all.quantile(0.5))
        #expect(call.latency.quantile(0.99) == LatencyHistogram.upperBound(of: LatencyHistogram.bucket(of: 2_000_000_000)))
        let database = try #require(summary.links[.init(parent: "demo-service", child: "postgresql")])
        #expect(database.callCount == 30 && database.errorCount == 0 && database.childIsVirtual)

        let demo = try #require(summary.services["demo-service"])
        #expect(demo.spanCount == 60 && demo.errorCount == 17)
        #expect(demo.serverLatency == all)
        #expect(summary.services["node-service"]?.spanCount == 60)
    }

    @Test(arguments: StoreKind.allCases)
    func aRangeEndingBeforeABucketLeavesItOut(_ kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try await loaded(kind, in: directory)
        let early = try await store.dependencies(from: Greetings.early, to: Greetings.late - 1)
        let call = try #require(early.links[.init(parent: "node-service", child: "demo-service")])
        #expect(call.callCount == 20 && call.errorCount == 7)
        #expect(call.latency == Greetings.histogram(Greetings.earlyDurations))

        let late = try await store.dependencies(from: Greetings.late + 1, to: Greetings.late + 2)
        #expect(late.links[.init(parent: "node-service", child: "demo-service")]?.callCount == 10)

        let between = try await store.dependencies(from: Greetings.early + Greetings.minute, to: Greetings.late - 1)
        #expect(between.isEmpty)
        await #expect(throws: StorageError.invertedTimeRange(start: 2, end: 1)) { _ = try await store.dependencies(from: 2, to: 1) }
    }

    @Test func theCombinedStoreCountsEachCallOnce() async throws {
        let directory = try TemporaryDirectory()
        let ring = RingStore(maxBytes: 1 << 24)
        let store = CombinedStore(ring: ring, archive: try SQLiteArchive(path: directory.file("once.db")), dependencyWait: .zero)
        for batch in Greetings.batches { try await store.write(batch) }
        #expect(ring.traceCount == 30)
        let summary = try await store.dependencies(from: 0, to: .max)
        #expect(summary.links[.init(parent: "node-service", child: "demo-service")]?.callCount == 30)
    }

    @Test func theRingKeepsOnlyItsNewestBuckets() async throws {
        let ring = RingStore(maxBytes: 1 << 24)
        for batch in Greetings.batches { try await ring.write(batch) }
        // Buckets far newer than the greetings push theirs out.
        for minute in 1...UInt64(DependencyBuckets.defaultMaxBuckets) {
            try await ring.write(only(Fixture.traceIDs[0], in: Fixture.batches[0]).shifted(to: Greetings.late + (1 + minute) * Greetings.minute))
        }
        let old = try await ring.dependencies(from: Greetings.early, to: Greetings.late + Greetings.minute - 1)
        #expect(old.isEmpty)
        let recent = try await ring.dependencies(from: Greetings.late, to: .max)
        #expect(!recent.isEmpty)
    }

    @Test func aReopenedArchiveKeepsItsBucketsAndAddsToThem() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("reopen.db")
        var archive: SQLiteArchive? = try SQLiteArchive(path: path)
        for batch in Greetings.batches { try await archive!.write(batch) }
        let before = try await archive!.dependencies(from: 0, to: .max)
        archive!.close()
        archive = nil

        let reopened = try SQLiteArchive(path: path)
        #expect(try await reopened.dependencies(from: 0, to: .max) == before)
        for batch in Greetings.batches { try await reopened.write(batch) }
        let doubled = try await reopened.dependencies(from: 0, to: .max)
        #expect(doubled.links[.init(parent: "node-service", child: "demo-service")]?.callCount == 60)
        #expect(doubled.services["demo-service"]?.serverLatency.total == 60)
    }

    @Test func retentionDeletesBucketsThatEndedBeforeTheCutoff() async throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("expire.db"))
        for batch in Greetings.batches { try await archive.write(batch) }
        while try archive.deleteExpired(olderThan: Greetings.late, maxRows: 1) > 0 {}
        #expect(try await archive.dependencies(from: 0, to: Greetings.late - 1).isEmpty)
        #expect(try await archive.dependencies(from: Greetings.late, to: .max).links.count == 2)
    }

    @Test func aDaysDependencyQueryReadsOnlyBucketRowsThroughTheirKey() throws {
        let directory = try TemporaryDirectory()
        let archive = try SQLiteArchive(path: directory.file("plan.db"))
        for sql in [DependencyRows.linksInRange, DependencyRows.servicesInRange] {
            let plan = try archive.queryPlan(sql)
            #expect(plan.count == 1)
            #expect(plan.allSatisfy { $0.hasPrefix("SEARCH dependency_") && $0.contains("PRIMARY KEY (bucket>? AND bucket<?)") }, "\(plan)")
        }
    }

    @Test func anArchiveOfSchemaVersion1IsMigratedAndKeepsItsTraces() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("v1.db")
        let v1 = try SQLiteConnection(path: path, readOnly: false, create: true)
        #expect(try v1.textRows("PRAGMA journal_mode = WAL") == ["wal"])
        for sql in ArchiveSchema.migrations[0] { try v1.execute(sql) }
        try v1.execute("PRAGMA user_version = 1")
        try v1.execute("INSERT INTO services (name) VALUES ('legacy-service')")
        v1.close()

        let archive = try SQLiteArchive(path: path)
        #expect(try await archive.services() == ["legacy-service"])
        for batch in Greetings.batches { try await archive.write(batch) }
        #expect(try await archive.dependencies(from: 0, to: .max).links.count == 2)
        archive.close()
        let db = try SQLiteConnection(path: path, readOnly: true, create: false)
        #expect(try db.integer("PRAGMA user_version") == Int64(ArchiveSchema.currentVersion))
        db.close()
    }
}

private extension TraceBatch {
    /// The batch with every span moved so the earliest starts at `start`.
    func shifted(to start: UInt64) -> TraceBatch {
        let earliest = flattened.map(\.span.startTimeUnixNano).min() ?? start
        var out = self
        for r in out.resourceSpans.indices {
            for s in out.resourceSpans[r].scopeSpans.indices {
                for i in out.resourceSpans[r].scopeSpans[s].spans.indices {
                    out.resourceSpans[r].scopeSpans[s].spans[i].startTimeUnixNano += start - earliest
                    out.resourceSpans[r].scopeSpans[s].spans[i].endTimeUnixNano += start - earliest
                }
            }
        }
        return out
    }
}
