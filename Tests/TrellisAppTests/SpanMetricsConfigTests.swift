import Foundation
import Testing
import TrellisApp
import TrellisModel
import TrellisPipeline

@Suite struct SpanMetricsConfigTests {
    private func config(_ connector: String, pipelines: String = "traces/spanmetrics: { receivers: [otlp], exporters: [spanmetrics] }") throws -> TrellisConfig {
        try TrellisConfig.parse("""
            receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } } }
            exporters: { nop: {} }
            connectors:
              spanmetrics: \(connector)
            service:
              pipelines:
                traces: { receivers: [otlp], exporters: [nop] }
                \(pipelines)
            """)
    }

    private func error(_ connector: String, pipelines: String = "traces/spanmetrics: { receivers: [otlp], exporters: [spanmetrics] }") -> ConfigError? {
        do {
            _ = try config(connector, pipelines: pipelines)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test func anEmptyConnectorTakesTheCollectorsDefaultsAndItsPipelineFollowsTraces() throws {
        let parsed = try config("{}")
        guard case .spanMetrics(let settings) = try #require(parsed.connectors.first).config else { Issue.record("not spanmetrics"); return }
        #expect(settings == SpanMetricsConfig())
        #expect(settings.histogram == .explicit(buckets: SpanMetricsConfig.defaultBuckets))
        #expect(SpanMetricsConfig.defaultBuckets.map(\.nanoseconds) == [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000].map { Int64($0) * 1_000_000 })
        #expect(settings.dimensionsCacheSize == 1000 && settings.namespace == "traces.span.metrics" && settings.metricsFlushInterval == .seconds(60))
        #expect(parsed.service.pipelines.map(\.name) == ["traces", "traces/spanmetrics"])
        #expect(parsed.service.receivers == ["otlp"])
    }

    @Test func theCollectorsKeysAreRead() throws {
        let parsed = try config("""
            { histogram: { explicit: { buckets: [1ms, 1s] } }, dimensions: [{ name: http.method, default: GET }, { name: region }],
                exclude_dimensions: [status.code], dimensions_cache_size: 50, metrics_flush_interval: 5s, metrics_expiration: 10m, namespace: red }
            """)
        guard case .spanMetrics(let settings) = try #require(parsed.connectors.first).config else { Issue.record("not spanmetrics"); return }
        #expect(settings.histogram == .explicit(buckets: [.milliseconds(1), .seconds(1)]))
        #expect(settings.dimensions == [.init(name: "http.method", defaultValue: "GET"), .init(name: "region")])
        #expect(settings.excludeDimensions == ["status.code"] && settings.dimensionsCacheSize == 50)
        #expect(settings.metricsFlushInterval == .seconds(5) && settings.metricsExpiration == .seconds(600) && settings.namespace == "red")
    }

    @Test func anExponentialHistogramTakesMaxSizeDefault160AndExcludesExplicitBuckets() throws {
        for (text, maxSize) in [("{ max_size: 40 }", 40), ("{}", 160)] {
            guard case .spanMetrics(let settings) = try #require(try config("{ histogram: { exponential: \(text) } }").connectors.first).config else {
                Issue.record("not spanmetrics")
                return
            }
            #expect(settings.histogram == .exponential(maxSize: maxSize))
        }
        let both = error("{ histogram: { explicit: { buckets: [1ms] }, exponential: { max_size: 20 } } }")?.description
        #expect(both?.hasPrefix("connectors.spanmetrics.histogram: explicit and exponential exclude each other") == true, "\(String(describing: both))")
        for size in [1, 16_385] {
            #expect(error("{ histogram: { exponential: { max_size: \(size) } } }")?.description.contains("histogram.exponential.max_size") == true, "\(size)")
        }
        #expect(error("{ histogram: { exponential: { scale: 3 } } }")?.description.contains("histogram.exponential.scale") == true)
    }

    @Test func badSettingsNameTheirKey() {
        #expect(error("{ histogram: { explicit: { buckets: [10ms, 5ms] } } }")?.description.contains("histogram.explicit.buckets[1]") == true)
        #expect(error("{ exclude_dimensions: [span.name, http.method] }")?.description.contains("exclude_dimensions[1]") == true)
        #expect(error("{ dimensions: [{ name: service.name }] }")?.description.contains("dimensions[0].name") == true)
        #expect(error("{ dimensions_cache_size: 0 }")?.description.contains("dimensions_cache_size") == true)
        #expect(error("{ namespace: \"9lives\" }")?.description.contains("namespace") == true)
        #expect(error("{ unknown: 1 }")?.description.contains("connectors.spanmetrics.unknown") == true)
        #expect(error("{ dimensions: [{ name: http.method }, { name: http_method }] }")?.description.contains("dimensions[1].name") == true)
        #expect(error("{ dimensions: [{ name: le }] }")?.description.contains("dimensions[0].name") == true)
        #expect(error("{ dimensions: [{ name: 1st }] }")?.description.contains("dimensions[0].name") == true)
        for reserved in ["__name__", "__x", "_.y"] {
            #expect(error("{ dimensions: [{ name: region }, { name: \"\(reserved)\" }] }")?.description.contains("dimensions[1].name") == true, "\(reserved)")
        }
    }

    @Test func twoConnectorsNeedNamespacesThatStayDistinctOnMetrics() {
        let both = "traces/spanmetrics: { receivers: [otlp], exporters: [spanmetrics, spanmetrics/b] }"
        for (first, second) in [("{}", "{}"), ("{ namespace: a.b }", "{ namespace: a_b }")] {
            let refusal = error("\(first)\n  spanmetrics/b: \(second)", pipelines: both)?.description
            #expect(refusal?.contains("connectors.spanmetrics/b.namespace") == true || refusal?.contains("connectors.spanmetrics.namespace") == true, "\(first) \(second)")
        }
        #expect(error("{ namespace: a.b }\n  spanmetrics/b: { namespace: a_b }", pipelines: both)?.description.contains("a_b_*") == true)
        #expect(error("{}\n  spanmetrics/b: { namespace: other }", pipelines: both) == nil)
    }

    @Test func aConnectorNoPipelineExportsToIsRefusedByName() {
        let unused = error("{}\n  spanmetrics/unused: { namespace: other }")
        #expect(unused?.description.hasPrefix("connectors.spanmetrics/unused: no pipeline exports to it") == true, "\(String(describing: unused))")
        #expect(error("{}", pipelines: "")?.description.hasPrefix("connectors.spanmetrics: no pipeline exports to it") == true)
    }

    @Test func pipelinesAreTracesOrTracesSlashNameAndNameDefinedComponents() {
        #expect(error("{}", pipelines: "metrics: { receivers: [otlp], exporters: [nop] }")?.description.contains("service.pipelines.metrics") == true)
        #expect(error("{}", pipelines: "traces/x: { receivers: [otlp], exporters: [spanmetrics/other] }")
            == .undefinedComponent(path: "service.pipelines.traces/x.exporters[0]", name: "spanmetrics/other"))
    }

    @Test func theDefaultConfigCountsSpanMetricsBeforeSampling() throws {
        let parsed = try TrellisConfig.load(file: TrellisConfigTests.repoRoot.appendingPathComponent("config/trellis.yaml").path)
        let counting = try #require(parsed.service.pipelines.first { $0.exporters == ["spanmetrics"] })
        #expect(counting.processors.isEmpty && counting.receivers == parsed.service.traces?.receivers)
        #expect(parsed.service.traces?.processors.contains("tail_sampling") == true)
    }
}
