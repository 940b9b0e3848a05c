import CoreMetrics
import Foundation
import Logging
import NIOPosix
import Testing
import TrellisModel
import TrellisPipeline
import TrellisStorage
@testable import TrellisApp

/// The spanmetrics connector's flush timer, wired by `PipelineBuilder` into the queried archive,
/// driven by a clock the test moves.
@Suite struct SpanMetricsFlushTests {
    private static let base: UInt64 = 1_800_000_000 * 1_000_000_000  // a whole minute

    @Test func advancingTheFlushIntervalStoresTheMinuteCountsInTheArchive() async throws {
        let path = NSTemporaryDirectory() + "flush-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let config = try TrellisConfig.parse("""
            receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } } }
            exporters: { trellis_store: { archive: { path: "\(path)" } } }
            connectors: { spanmetrics: { metrics_flush_interval: 10s } }
            service:
              pipelines:
                traces: { receivers: [otlp], exporters: [trellis_store] }
                traces/spanmetrics: { receivers: [otlp], exporters: [spanmetrics] }
            """)
        let stores = try TraceStores(config, logger: Logger(label: "test"))
        let clock = SteppedClock()
        let pipelines = PipelineBuilder(config, stores: stores, health: PipelineHealth(), group: MultiThreadedEventLoopGroup.singleton,
                                        metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"), clock: clock)
        let archive = try #require(stores.queried?.archive)
        await clock.sleeps(1)  // the timer waits for its first interval

        let spans = (1...UInt64(3)).map { (i: UInt64) -> Span in
            let start = Self.base + i
            return Span(traceID: TraceID(high: 7, low: i), spanID: SpanID(i), name: "GET /", kind: .server, startTimeUnixNano: start,
                        endTimeUnixNano: start + 2_000_000, status: SpanStatus(code: i == 1 ? SpanStatus.Code.error : SpanStatus.Code.unset))
        }
        let batch = TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string("api"))]),
                                                             scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: spans)])])
        try await #require(pipelines.byReceiver["otlp"]).consume(TraceSlice.slices(of: batch, indexedKeys: stores.indexedKeys))
        clock.advance(by: .seconds(9))
        #expect(try await archive.spanMetrics(service: "api", from: Self.base, to: Self.base).isEmpty)

        clock.advance(by: .seconds(1))
        await clock.sleeps(2)  // the timer sleeps again once its flush is stored
        let stored = try await archive.spanMetrics(service: "api", from: Self.base, to: Self.base)
        let counts = try #require(stored[SpanMetricsKey(bucket: Self.base, service: "api", operation: "GET /", kind: .server)])
        #expect(stored.count == 1 && counts.calls == 3 && counts.errors == 1 && counts.latency.total == 3)

        for pipeline in pipelines.pipelines { await pipeline.shutdown(deadline: .now + .seconds(5)) }
        stores.close()
    }
}
