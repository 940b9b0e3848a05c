/// One answer of Jaeger's Monitor API (`/api/metrics/latencies|calls|errors`): the shape of
/// `jaeger.api_v2.metrics.MetricFamily` as the query service's HTTP handler writes it in JSON:
/// `{"name","type":"GAUGE","help","metrics":[{"labels":[{"name","value"}],
/// "metricPoints":[{"gaugeValue":{"doubleValue"},"timestamp"}]}]}`, timestamps RFC 3339.
public struct MetricFamily: Encodable, Sendable, Hashable {
    public struct Label: Encodable, Sendable, Hashable {
        public var name: String
        public var value: String
    }

    public struct GaugeValue: Encodable, Sendable, Hashable {
        public var doubleValue: Double
    }

    public struct MetricPoint: Encodable, Sendable, Hashable {
        public var gaugeValue: GaugeValue
        /// RFC 3339, UTC.
        public var timestamp: String
    }

    public struct Metric: Encodable, Sendable, Hashable {
        public var labels: [Label]
        public var metricPoints: [MetricPoint]
    }

    public var name: String
    public var type = "GAUGE"
    public var help: String
    public var metrics: [Metric]
}
