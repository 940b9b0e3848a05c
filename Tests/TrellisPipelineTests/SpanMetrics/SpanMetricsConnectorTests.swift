import CoreMetrics
import Synchronization
import Testing
import TrellisModel
@testable import TrellisPipeline

/// What a connector's flushes handed over, in order.
private final class Flushes: Sendable {
    let all = Mutex<[[SpanMetricsKey: SpanMetricsCounts]]>([])
}

@Suite struct SpanMetricsConnectorTests {
    private static let minute: UInt64 = 60_000_000_000
    private static let base: UInt64 = 1_800_000_000 * 1_000_000_000  // a whole minute

    private static func span(_ id: UInt64, _ name: String, kind: SpanKind = .server, millis: UInt64, error: Bool = false,
                             start: UInt64 = base, attributes: [Attribute] = []) -> Span {
        Span(traceID: TraceID(high: 1, low: id), spanID: SpanID(id), name: name, kind: kind, startTimeUnixNano: start,
             endTimeUnixNano: start + millis * 1_000_000, attributes: attributes, status: error ? SpanStatus(code: .error) : .unset)
    }

    private static func slices(_ service: String, _ spans: [Span], resource: [Attribute] = []) -> [TraceSlice] {
        TraceSlice.slices(of: TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(service))] + resource),
                                                                       scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: spans)])]),
                          indexedKeys: .none)
    }

    private static func connector(_ config: SpanMetricsConfig = SpanMetricsConfig(), clock: ManualClock = ManualClock(), metrics: any MetricsFactory = NOOPMetricsHandler.instance,
                                  flushed: Flushes? = nil) -> SpanMetricsConnector {
        SpanMetricsConnector(name: "spanmetrics", config: config, metrics: metrics, clock: clock) { minutes in
            flushed?.all.withLock { $0.append(minutes) }
        }
    }

    @Test func countsEverySpanInACounterAndACumulativeHistogramInMilliseconds() async throws {
        var config = SpanMetricsConfig()
        config.histogram = .explicit(buckets: [.milliseconds(5), .milliseconds(100)])
        let connector = Self.connector(config)
        try await connector.consume(Self.slices("checkout", [Self.span(1, "GET /cart", millis: 3), Self.span(2, "GET /cart", millis: 50),
                                                             Self.span(3, "GET /cart", millis: 500, error: true)]))
        let labels = #"service_name="checkout",span_name="GET /cart",span_kind="SPAN_KIND_SERVER""#
        #expect(connector.prometheusText() == """
            # HELP traces_span_metrics_calls_total Spans counted by the spanmetrics connector before sampling.
            # TYPE traces_span_metrics_calls_total counter
            traces_span_metrics_calls_total{\(labels),status_code="STATUS_CODE_ERROR"} 1
            traces_span_metrics_calls_total{\(labels),status_code="STATUS_CODE_UNSET"} 2
            # HELP traces_span_metrics_duration_milliseconds Span durations counted by the spanmetrics connector before sampling.
            # TYPE traces_span_metrics_duration_milliseconds histogram
            traces_span_metrics_duration_milliseconds_bucket{\(labels),status_code="STATUS_CODE_ERROR",le="5"} 0
            traces_span_metrics_duration_milliseconds_bucket{\(labels),status_code="STATUS_CODE_ERROR",le="100"} 0
            traces_span_metrics_duration_milliseconds_bucket{\(labels),status_code="STATUS_CODE_ERROR",le="+Inf"} 1
            traces_span_metrics_duration_milliseconds_sum{\(labels),status_code="STATUS_CODE_ERROR"} 500.0
            traces_span_metrics_duration_milliseconds_count{\(labels),status_code="STATUS_CODE_ERROR"} 1
            traces_span_metrics_duration_milliseconds_bucket{\(labels),status_code="STATUS_CODE_UNSET",le="5"} 1
            traces_span_metrics_duration_milliseconds_bucket{\(labels),status_code="STATUS_CODE_UNSET",le="100"} 2
            traces_span_metrics_duration_milliseconds_bucket{\(labels),status_code="STATUS_CODE_UNSET",le="+Inf"} 2
            traces_span_metrics_duration_milliseconds_sum{\(labels),status_code="STATUS_CODE_UNSET"} 53.0
            traces_span_metrics_duration_milliseconds_count{\(labels),status_code="STATUS_CODE_UNSET"} 2

            """)
    }

    @Test func anExponentialHistogramIsServedAsCumulativeBucketsAtItsBucketBoundsInMilliseconds() async throws {
        var config = SpanMetricsConfig()
        config.histogram = .exponential(maxSize: 4)
        config.excludeDimensions = ["span.kind", "status.code"]
        let connector = Self.connector(config)
        // 0 ms counts apart; 1, 2, 4 and 100 ms fit 4 buckets at scale −2: (1/16, 1], (1, 16], (16, 256].
        try await connector.consume(Self.slices("api", [0, 1, 2, 4, 100].enumerated().map { Self.span(UInt64($0.offset + 1), "GET /", millis: $0.element) }))
        let histogram = connector.prometheusText().split(separator: "\n").filter { $0.hasPrefix("traces_span_metrics_duration_milliseconds") }
        let labels = #"service_name="api",span_name="GET /""#
        #expect(histogram == [
            "traces_span_metrics_duration_milliseconds_bucket{\(labels),le=\"0.0625\"} 1",
            "traces_span_metrics_duration_milliseconds_bucket{\(labels),le=\"1\"} 2",
            "traces_span_metrics_duration_milliseconds_bucket{\(labels),le=\"16\"} 4",
            "traces_span_metrics_duration_milliseconds_bucket{\(labels),le=\"256\"} 5",
            "traces_span_metrics_duration_milliseconds_bucket{\(labels),le=\"+Inf\"} 5",
            "traces_span_metrics_duration_milliseconds_sum{\(labels)} 107.0",
            "traces_span_metrics_duration_milliseconds_count{\(labels)} 5",
        ])
    }

    @Test func dimensionsComeFromTheSpanThenTheResourceThenTheDefaultElseTheLabelIsLeftOff() async throws {
        var config = SpanMetricsConfig()
        config.dimensions = [.init(name: "http.request.method", defaultValue: "NONE"), .init(name: "k8s.pod.name")]
        config.excludeDimensions = ["span.kind", "status.code"]
        config.namespace = "red"
        let connector = Self.connector(config)
        try await connector.consume(Self.slices("api", [Self.span(1, "a", millis: 1, attributes: [Attribute("http.request.method", .string("POST"))]),
                                                        Self.span(2, "b", millis: 1)], resource: [Attribute("k8s.pod.name", .string("api-7\"x"))]))
        try await connector.consume(Self.slices("api", [Self.span(3, "c", millis: 1)]))
        let calls = connector.prometheusText().split(separator: "\n").filter { $0.hasPrefix("red_calls_total{") }
        #expect(calls == [
            #"red_calls_total{service_name="api",span_name="a",http_request_method="POST",k8s_pod_name="api-7\"x"} 1"#,
            #"red_calls_total{service_name="api",span_name="b",http_request_method="NONE",k8s_pod_name="api-7\"x"} 1"#,
            #"red_calls_total{service_name="api",span_name="c",http_request_method="NONE"} 1"#,
        ])
    }

    @Test func labelSetsPastTheCacheSizeCountInTheOverflowSeries() async throws {
        var config = SpanMetricsConfig()
        config.dimensionsCacheSize = 2
        let metrics = CountingMetrics()
        let connector = Self.connector(config, metrics: metrics)
        try await connector.consume(Self.slices("api", (1...5).map { Self.span($0, "op\($0)", millis: 1) }))
        try await connector.consume(Self.slices("api", [Self.span(6, "op1", millis: 1)]))
        let calls = connector.prometheusText().split(separator: "\n").filter { $0.hasPrefix("traces_span_metrics_calls_total{") }
        #expect(calls.count == 3)
        #expect(calls.contains(#"traces_span_metrics_calls_total{service_name="api",span_name="op1",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} 2"#))
        #expect(calls.last == #"traces_span_metrics_calls_total{otel_metric_overflow="true"} 3"#)
        #expect(metrics.value("trellis_connector_spanmetrics_overflow_spans_total", [("connector", "spanmetrics")]) == 3)
    }

    @Test func minuteCountsPastTheirCapFoldIntoTheOverflowOperationOfTheirOwnMinute() async throws {
        var config = SpanMetricsConfig()
        config.dimensionsCacheSize = 2
        let flushed = Flushes()
        let connector = Self.connector(config, flushed: flushed)
        try await connector.consume(Self.slices("api", (1...6).map { Self.span($0, "GET /user/\($0)", millis: 1) }
            + [Self.span(7, "GET /user/7", millis: 1, start: Self.base + 2 * Self.minute + 5)]))
        await connector.flushMinutes()
        let minutes = try #require(flushed.all.withLock { $0 }.first)
        #expect(minutes.count == 6)
        #expect(minutes[SpanMetricsKey(bucket: Self.base, service: "api", operation: SpanMetricsKey.overflowOperation, kind: .server)]?.calls == 2)
        #expect(minutes[SpanMetricsKey(bucket: Self.base + 2 * Self.minute, service: "api", operation: SpanMetricsKey.overflowOperation, kind: .server)]?.calls == 1)
        #expect(minutes.values.reduce(0) { $0 + $1.calls } == 7)
    }

    @Test func seriesNotUpdatedWithinTheExpirationLeaveAndFreeTheirPlace() async throws {
        var config = SpanMetricsConfig()
        config.metricsExpiration = .seconds(60)
        config.dimensionsCacheSize = 1
        let clock = ManualClock()
        let connector = Self.connector(config, clock: clock)
        try await connector.consume(Self.slices("api", [Self.span(1, "old", millis: 1)]))
        clock.advance(by: .seconds(59))
        #expect(connector.prometheusText().contains(#"span_name="old""#))
        clock.advance(by: .seconds(1))
        #expect(!connector.prometheusText().contains(#"span_name="old""#))
        try await connector.consume(Self.slices("api", [Self.span(2, "new", millis: 1)]))
        #expect(connector.prometheusText().contains(#"span_name="new""#) && !connector.prometheusText().contains("overflow"))
    }

    @Test func aNewLabelSetWhenTheSeriesAreFullExpiresThemBeforeOverflowingWithNoScrape() async throws {
        var config = SpanMetricsConfig()
        config.metricsExpiration = .seconds(60)
        config.dimensionsCacheSize = 1
        let clock = ManualClock()
        let metrics = CountingMetrics()
        let connector = Self.connector(config, clock: clock, metrics: metrics)
        try await connector.consume(Self.slices("api", [Self.span(1, "old", millis: 1)]))
        clock.advance(by: .seconds(60))
        try await connector.consume(Self.slices("api", [Self.span(2, "new", millis: 1)]))
        #expect(metrics.value("trellis_connector_spanmetrics_overflow_spans_total", [("connector", "spanmetrics")]) == 0)
        let text = connector.prometheusText()
        #expect(text.contains(#"span_name="new""#) && !text.contains("overflow") && !text.contains(#"span_name="old""#))
    }

    @Test func eachFlushDropsTheExpiredSeriesWithNoScrape() async throws {
        var config = SpanMetricsConfig()
        config.metricsExpiration = .seconds(30)
        let clock = ManualClock()
        let connector = Self.connector(config, clock: clock)
        try await connector.consume(Self.slices("api", [Self.span(1, "a", millis: 1), Self.span(2, "b", millis: 1)]))
        clock.advance(by: .seconds(20))
        try await connector.consume(Self.slices("api", [Self.span(3, "b", millis: 1)]))
        await connector.flushMinutes()
        #expect(connector.seriesCount == 2)
        clock.advance(by: .seconds(10))
        await connector.flushMinutes()
        #expect(connector.seriesCount == 1)
        clock.advance(by: .seconds(20))
        await connector.flushMinutes()
        #expect(connector.seriesCount == 0)
    }

    @Test func eachFlushHandsOverTheMinuteCountsGatheredSinceTheLast() async throws {
        let flushed = Flushes()
        let connector = Self.connector(flushed: flushed)
        try await connector.consume(Self.slices("api", [Self.span(1, "a", millis: 2), Self.span(2, "a", millis: 4, error: true),
                                                        Self.span(3, "a", millis: 8, start: Self.base + Self.minute + 5),
                                                        Self.span(4, "a", kind: .client, millis: 1)]))
        await connector.flushMinutes()
        await connector.flushMinutes()
        let all = flushed.all.withLock { $0 }
        #expect(all.count == 1)
        let first = try #require(all.first?[SpanMetricsKey(bucket: Self.base, service: "api", operation: "a", kind: .server)])
        #expect(first.calls == 2 && first.errors == 1 && first.latency.total == 2)
        #expect(all.first?[SpanMetricsKey(bucket: Self.base + Self.minute, service: "api", operation: "a", kind: .server)]?.calls == 1)
        #expect(all.first?[SpanMetricsKey(bucket: Self.base, service: "api", operation: "a", kind: .client)]?.calls == 1)
        try await connector.consume(Self.slices("api", [Self.span(5, "b", millis: 1)]))
        await connector.shutdown(deadline: .now + .seconds(1))
        #expect(flushed.all.withLock { $0 }.count == 2)
    }
}
