import Foundation
import Testing
@testable import TrellisClickHouse
@testable import TrellisStorage
import TrellisModel

/// What only the ClickHouse archive has: its schema's life cycle, its errors, day-partition
/// retention and SQL literals; the reader and writer contract runs for it in the shared suites
/// (`StoreKind.clickHouse`).
@Suite("ClickHouse archive")
struct ClickHouseArchiveTests {
    private static let day: UInt64 = 86_400_000_000_000
    private static let monday: UInt64 = 20_400 * day

    private static func batch(_ n: UInt64, service: String = "api", operation: String = "GET /", start: UInt64) -> TraceBatch {
        let span = Span(traceID: TraceID(high: n, low: n), spanID: SpanID(n), parentSpanID: .none, name: operation, kind: .server,
                        startTimeUnixNano: start, endTimeUnixNano: start + 5_000_000)
        return TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(service))]),
                                                        scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "test"), spans: [span])])])
    }

    @Test func openingADatabaseWithoutTheSchemaNamesTheMissingTableAndMigrateIsIdempotent() throws {
        let server = try ClickHouseTestServer.shared.get()
        let settings = ClickHouseSettings(endpoint: server.endpoint, database: "fresh_\(UUID().uuidString.prefix(8).lowercased())")
        #expect(throws: StorageError.clickHouseSchemaMissing(endpoint: server.endpoint, table: "\(settings.database).trellis_spans_local")) {
            _ = try ClickHouseArchive(settings: settings)
        }
        let first = try ClickHouseArchive.migrate(settings)
        let again = try ClickHouseArchive.migrate(settings)
        #expect(first == again && first.allSatisfy { $0.contains("IF NOT EXISTS") })
        _ = try ClickHouseArchive(settings: settings)
    }

    @Test func anUnreachableServerIsAnErrorNamingTheEndpoint() throws {
        let settings = ClickHouseSettings(endpoint: "http://127.0.0.1:1", timeout: .seconds(2))
        do {
            _ = try ClickHouseArchive(settings: settings)
            Issue.record("opened an archive with no server")
        } catch .clickHouse(let endpoint, let context, _) {
            #expect(endpoint == "http://127.0.0.1:1" && context == "checking the schema")
        }
    }

    @Test func namesWithQuotesAndBackslashesAreStoredAndFoundAsTheyAre() async throws {
        let archive = try ClickHouseArchive(settings: try ClickHouseTestServer.shared.get().freshArchiveSettings())
        let service = #"o'brien\"; DROP TABLE x; --"#
        let operation = "GET /it's\\here"
        try await archive.write(Self.batch(1, service: service, operation: operation, start: Self.monday))
        try await archive.write(Self.batch(2, start: Self.monday))
        #expect(try await archive.services() == ["api", service].sorted())
        #expect(try await archive.operations(service: service) == [Operation(name: operation, kind: .server)])
        let found = try await archive.findTraces(TraceQuery(service: service, operation: operation))
        #expect(found.map(\.traceID) == [TraceID(high: 1, low: 1)])
    }

    @Test func retentionDropsWholeDaysBeforeTheCutoffAndKeepsTheRest() async throws {
        let archive = try ClickHouseArchive(settings: try ClickHouseTestServer.shared.get().freshArchiveSettings())
        try await archive.write(Self.batch(1, start: Self.monday + 3_600_000_000_000))
        try await archive.write(Self.batch(2, start: Self.monday + Self.day + 60_000_000_000))
        try archive.writeSpanMetrics([SpanMetricsKey(service: "api", operation: "GET /", kind: .server, startUnixNano: Self.monday): SpanMetricsCounts(calls: 1)])

        let (dropped, bytes) = try archive.applyRetention(olderThan: Self.monday + Self.day, maxBytes: 1)
        // Monday's partition of every table that had rows that day: spans, span groups, their two
        // views, the service figures and the span metrics (one-span traces make no calls, so
        // dependency_links has none).
        #expect(dropped == 6)
        #expect(bytes > 0)
        #expect(try await archive.trace(TraceID(high: 1, low: 1)) == nil)
        #expect(try await archive.trace(TraceID(high: 2, low: 2)) != nil)
        #expect(try await archive.spanMetrics(service: "api", from: Self.monday, to: Self.monday + 2 * Self.day).isEmpty)
        #expect(try await archive.dependencies(from: Self.monday, to: Self.monday + Self.day - 1).services.isEmpty)
        #expect(try await archive.dependencies(from: Self.monday + Self.day, to: Self.monday + 2 * Self.day).services["api"]?.spanCount == 1)
        #expect(try archive.applyRetention(olderThan: Self.monday + Self.day, maxBytes: 1).deleted == 0)
    }

    @Test func aSearchPagesThroughCandidatesUntilNoLaterOneCouldRank() async throws {
        let archive = try ClickHouseArchive(settings: try ClickHouseTestServer.shared.get().freshArchiveSettings())
        // All 30 traces are candidates (`retry` is not an indexed key), newest first; only the
        // oldest 3 match, so a search for 2 reads seven pages of 4 candidates to find them.
        for n in 1...30 as ClosedRange<UInt64> {
            var batch = Self.batch(n, start: Self.monday + n * 1_000_000_000)
            if n <= 3 { batch.resourceSpans[0].scopeSpans[0].spans[0].attributes = [Attribute("retry", .int(1))] }
            try await archive.write(batch)
        }
        let found = try await archive.findTraces(TraceQuery(service: "api", attributes: [.equals("retry", .int(1))], limit: 2))
        #expect(found.map(\.traceID) == [TraceID(high: 3, low: 3), TraceID(high: 2, low: 2)])
        #expect(found.allSatisfy { $0.trace.spanCount == 1 && $0.isWhole })
    }
}
