import TrellisModel

/// `connectors.spanmetrics`, with the OpenTelemetry Collector's keys as far as they apply to one
/// process whose series are read from its own `/metrics` (no metrics pipeline).
public struct SpanMetricsConfig: Decodable, Sendable, Hashable {
    /// An extra label taken from a span attribute (else the resource's); `default` when neither
    /// has it, and without a default the label is left off the series.
    public struct Dimension: Decodable, Sendable, Hashable {
        public var name: String
        public var defaultValue: String?

        public init(name: String, defaultValue: String? = nil) {
            self.name = name
            self.defaultValue = defaultValue
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case name
            case defaultValue = "default"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            defaultValue = try c.decodeIfPresent(String.self, forKey: .defaultValue)
        }
    }

    /// The labels every series has, named as the connector names them before the Prometheus
    /// exporter turns dots into underscores; `exclude_dimensions` may drop them.
    public static let standardDimensions = ["service.name", "span.name", "span.kind", "status.code"]

    /// The duration histogram of each series: `histogram.explicit` or `histogram.exponential`, not both.
    public enum Histogram: Sendable, Hashable {
        /// `histogram.explicit.buckets`: upper bounds, ascending.
        case explicit(buckets: [ConfigDuration])
        /// `histogram.exponential.max_size`: a base-2 exponential histogram of at most this many
        /// buckets per series, in milliseconds (`ExponentialHistogram`), served on /metrics as
        /// cumulative `le` buckets at its bucket bounds.
        case exponential(maxSize: Int)
    }

    /// The connector's default bounds: 2ms 4ms 6ms 8ms 10ms 50ms 100ms 200ms 400ms 800ms 1s 1400ms 2s 5s 10s 15s.
    public static let defaultBuckets: [ConfigDuration] = [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000].map { .milliseconds($0) }
    /// The connector's default `histogram.exponential.max_size`.
    public static let defaultMaxSize = 160
    /// The largest `max_size` taken: a series holds up to that many counts.
    public static let largestMaxSize = 16_384

    /// Default explicit, with `defaultBuckets`.
    public var histogram = Histogram.explicit(buckets: SpanMetricsConfig.defaultBuckets)
    public var dimensions: [Dimension] = []
    /// Standard dimensions left off every series.
    public var excludeDimensions: [String] = []
    /// The most series (distinct label sets); spans of further label sets count in one series
    /// labelled `otel_metric_overflow="true"`. Default 1000.
    public var dimensionsCacheSize = 1000
    /// How often the per-minute aggregates are handed to the archive. Default 60s.
    public var metricsFlushInterval = ConfigDuration.seconds(60)
    /// A series not updated for this long leaves `/metrics`; 0 (default) keeps every series.
    public var metricsExpiration = ConfigDuration(nanoseconds: 0)
    /// Prefix of the metric names, dots becoming underscores. Default `traces.span.metrics`.
    public var namespace = "traces.span.metrics"

    /// The namespace as the metric names on /metrics start: `traces_span_metrics`.
    public var metricPrefix: String { SpanMetricsExposition.sanitized(namespace) }

    public init() {}

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case histogram, dimensions, namespace
        case excludeDimensions = "exclude_dimensions"
        case dimensionsCacheSize = "dimensions_cache_size"
        case metricsFlushInterval = "metrics_flush_interval"
        case metricsExpiration = "metrics_expiration"
    }

    private enum HistogramKeys: String, CodingKey, CaseIterable { case explicit, exponential, unit }
    private enum ExplicitKeys: String, CodingKey, CaseIterable { case buckets }
    private enum ExponentialKeys: String, CodingKey, CaseIterable {
        case maxSize = "max_size"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = ConfigPath.dotted(decoder.codingPath)
        if c.contains(.histogram) {
            let histogramDecoder = try c.superDecoder(forKey: .histogram)
            try histogramDecoder.rejectUnknownKeys(HistogramKeys.self)
            let h = try histogramDecoder.container(keyedBy: HistogramKeys.self)
            if h.contains(.explicit) && h.contains(.exponential) {
                throw ConfigError.invalidValue(path: path + ".histogram",
                                               reason: "explicit and exponential exclude each other: keep histogram.explicit or histogram.exponential")
            }
            if let unit = try h.decodeIfPresent(String.self, forKey: .unit), unit != "ms" {
                throw ConfigError.invalidValue(path: path + ".histogram.unit", reason: "only ms is served (the series are *_duration_milliseconds), got \(unit)")
            }
            if h.contains(.explicit) {
                let explicit = try h.superDecoder(forKey: .explicit)
                try explicit.rejectUnknownKeys(ExplicitKeys.self)
                let buckets = try explicit.container(keyedBy: ExplicitKeys.self).decodeIfPresent([ConfigDuration].self, forKey: .buckets)
                histogram = .explicit(buckets: buckets ?? Self.defaultBuckets)
            }
            if h.contains(.exponential) {
                let exponential = try h.superDecoder(forKey: .exponential)
                try exponential.rejectUnknownKeys(ExponentialKeys.self)
                let maxSize = try exponential.container(keyedBy: ExponentialKeys.self).decodeIfPresent(Int.self, forKey: .maxSize)
                histogram = .exponential(maxSize: maxSize ?? Self.defaultMaxSize)
            }
        }
        dimensions = try c.decodeIfPresent([Dimension].self, forKey: .dimensions) ?? []
        excludeDimensions = try c.decodeIfPresent([String].self, forKey: .excludeDimensions) ?? []
        dimensionsCacheSize = try c.decodeIfPresent(Int.self, forKey: .dimensionsCacheSize) ?? dimensionsCacheSize
        metricsFlushInterval = try c.decodeIfPresent(ConfigDuration.self, forKey: .metricsFlushInterval) ?? metricsFlushInterval
        metricsExpiration = try c.decodeIfPresent(ConfigDuration.self, forKey: .metricsExpiration) ?? metricsExpiration
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace) ?? namespace
        try validate(path: path)
    }

    public func validate(path: String = "connectors.spanmetrics") throws(ConfigError) {
        switch histogram {
        case .explicit(let buckets):
            if buckets.isEmpty { throw .invalidValue(path: path + ".histogram.explicit.buckets", reason: "name at least one bucket") }
            for (i, bound) in buckets.enumerated() where bound.nanoseconds <= 0 || (i > 0 && bound.nanoseconds <= buckets[i - 1].nanoseconds) {
                throw .invalidValue(path: path + ".histogram.explicit.buckets[\(i)]", reason: "bounds must be above zero and ascending, got \(bound)")
            }
        case .exponential(let maxSize):
            if maxSize < 2 || maxSize > Self.largestMaxSize {
                throw .invalidValue(path: path + ".histogram.exponential.max_size",
                                    reason: "must be 2 to \(Self.largestMaxSize) (lowering the scale merges buckets in pairs; each series holds max_size counts), got \(maxSize)")
            }
        }
        for (i, name) in excludeDimensions.enumerated() where !Self.standardDimensions.contains(name) {
            throw .invalidValue(path: path + ".exclude_dimensions[\(i)]", reason: "'\(name)' is not one of \(Self.standardDimensions.joined(separator: ", "))")
        }
        // Label names as /metrics writes them: unique, none a standard label or `le`, none starting
        // with a digit or with `__` (Prometheus keeps those for itself, `__name__` among them).
        var seen = Set(Self.standardDimensions.map(SpanMetricsExposition.sanitized) + ["le", "otel_metric_overflow"])
        for (i, dimension) in dimensions.enumerated() {
            let label = SpanMetricsExposition.sanitized(dimension.name)
            if dimension.name.isEmpty || label.first!.isNumber {
                throw .invalidValue(path: path + ".dimensions[\(i)].name", reason: "must be a name not starting with a digit, got '\(dimension.name)'")
            }
            if label.hasPrefix("__") {
                throw .invalidValue(path: path + ".dimensions[\(i)].name",
                                    reason: "'\(dimension.name)' would be the label \(label); Prometheus reserves labels starting with __")
            }
            if !seen.insert(label).inserted {
                throw .invalidValue(path: path + ".dimensions[\(i)].name", reason: "'\(dimension.name)' would be the label \(label), which another label already is")
            }
        }
        if dimensionsCacheSize < 1 { throw .invalidValue(path: path + ".dimensions_cache_size", reason: "must be at least 1, got \(dimensionsCacheSize)") }
        if metricsFlushInterval.nanoseconds <= 0 { throw .invalidValue(path: path + ".metrics_flush_interval", reason: "must be above zero") }
        if metricsExpiration.nanoseconds < 0 { throw .invalidValue(path: path + ".metrics_expiration", reason: "must not be negative") }
        if namespace.isEmpty || !namespace.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") }) || namespace.first!.isNumber {
            throw .invalidValue(path: path + ".namespace", reason: "must be letters, digits, dots and underscores, not starting with a digit, got '\(namespace)'")
        }
    }
}
