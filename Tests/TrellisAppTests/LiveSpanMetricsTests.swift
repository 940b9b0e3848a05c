import CoreMetrics
import Foundation
import Testing
import TrellisModel
import TrellisPipeline
import TrellisStorage
@testable import TrellisApp

@Suite struct LiveSpanMetricsTests {
    @Test func readsAddTheConnectorsUnflushedCountsAndServicesToTheArchivesOfTheSameRange() async throws {
        let path = NSTemporaryDirectory() + "live-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let archive = try SQLiteArchive(path: path)
        let minute = SpanMetricsKey.bucketNanos, base: UInt64 = 1_800_000_000 * 1_000_000_000
        var stored = SpanMetricsCounts()
        stored.record(durationNanos: 1_000_000, isError: false)
        try archive.writeSpanMetrics([SpanMetricsKey(bucket: base, service: "api", operation: "GET /", kind: .server): stored])
        let connector = SpanMetricsConnector(name: "spanmetrics", config: SpanMetricsConfig(), metrics: NOOPMetricsHandler.instance) { _ in }
        let spans = [("api", base + 5), ("api", base + 2 * minute), ("db", base + 5)].enumerated().map { i, entry in
            ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(entry.0))]), scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: [
                Span(traceID: TraceID(high: 1, low: UInt64(i + 1)), spanID: SpanID(UInt64(i + 1)), name: "GET /", kind: .server,
                     startTimeUnixNano: entry.1, endTimeUnixNano: entry.1 + 2_000_000, status: SpanStatus(code: .error)),
            ])])
        }
        try await connector.consume(TraceSlice.slices(of: TraceBatch(resourceSpans: spans), indexedKeys: .none))
        let live = LiveSpanMetrics(archive: archive, connector: connector)
        let read = try await live.spanMetrics(service: "api", from: base, to: base + minute)
        #expect(read.count == 1)
        let merged = try #require(read[SpanMetricsKey(bucket: base, service: "api", operation: "GET /", kind: .server)])
        #expect(merged.calls == 2 && merged.errors == 1 && merged.latency.total == 2)
        #expect(try await live.spanMetricsServices(from: base, to: base + minute) == ["api", "db"])
        #expect(try await live.spanMetricsServices(from: base + 2 * minute, to: base + 2 * minute) == ["api"])
        #expect(try await live.spanMetricsServices(from: base + 3 * minute, to: .max) == [])
        await connector.shutdown(deadline: .now + .seconds(1))
        archive.close()
    }
}
