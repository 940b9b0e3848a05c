import TrellisCodec
import TrellisModel

/// The spanmetrics connector's figures, owned by `SpanMetricsConnector` under one lock:
/// - per series (a label set: service, span name, kind, status code, the configured dimensions),
///   a call count and a duration histogram (the configured bounds', or an exponential one), for `/metrics`;
/// - per `SpanMetricsKey` (minute, service, operation, kind), the RED counts since the last
///   `takeMinutes()`, for the archive: at most twice `dimensions_cache_size` keys per flush, further
///   spans counted in their own minute under the operation `otel_metric_overflow`
///   (`SpanMetricsKey.overflowOperation`) of their service and kind.
///
/// At most `dimensions_cache_size` series: a span of a further label set counts in the one
/// overflow series (`otel_metric_overflow="true"`, no other label) and in `overflowSpans`. With a
/// `metrics_expiration`, `expire(now:)` drops series not updated for that long, which frees room;
/// a span of a new label set when the series are full expires them first.
struct SpanMetricsState {
    /// A series' identity: the standard labels (nil where excluded) and the dimension values
    /// (nil where the span, its resource and the default have none: the label is left off).
    struct SeriesKey: Hashable {
        var service: String?
        var name: String?
        var kind: SpanKind?
        var status: SpanStatus.Code?
        var dimensions: [String?]
    }

    struct Series {
        var calls: UInt64 = 0
        /// With explicit bounds, durations per bucket: `buckets[i]` holds those ≤ bound i and > bound
        /// i−1; the last, the rest. Empty with an exponential histogram.
        var buckets: [UInt64] = []
        /// With `histogram.exponential`, the durations in milliseconds.
        var exponential: ExponentialHistogram?
        var sumMillis: Double = 0
        var lastUpdate: Duration

        init(_ histogram: SpanMetricsConfig.Histogram, now: Duration) {
            switch histogram {
            case .explicit(let bounds): buckets = Array(repeating: 0, count: bounds.count + 1)
            case .exponential(let maxSize): exponential = ExponentialHistogram(maxSize: maxSize)
            }
            lastUpdate = now
        }

        /// Counts one span of `nanos`; `bounds` are the explicit bounds in nanoseconds.
        mutating func add(nanos: UInt64, bounds: [UInt64], now: Duration) {
            let millis = Double(nanos) / 1_000_000
            calls += 1
            if exponential != nil {
                exponential!.record(millis)
            } else {
                buckets[bounds.firstIndex { nanos <= $0 } ?? bounds.count] += 1
            }
            sumMillis += millis
            lastUpdate = now
        }
    }

    let config: SpanMetricsConfig
    /// The explicit bucket upper bounds in nanoseconds (none with an exponential histogram).
    private let bounds: [UInt64]
    private let keeps: (service: Bool, name: Bool, kind: Bool, status: Bool)
    private(set) var series: [SeriesKey: Series] = [:]
    private(set) var overflow: Series?
    /// Spans counted in the overflow series.
    private(set) var overflowSpans: UInt64 = 0
    private(set) var minutes: [SpanMetricsKey: SpanMetricsCounts] = [:]
    /// No series expires before this (the least recently updated one's last update, plus the
    /// expiration, when `expire` last looked): `expire` skips its walk until then.
    private var nextExpiry = Duration.zero

    init(config: SpanMetricsConfig) {
        self.config = config
        if case .explicit(let buckets) = config.histogram { bounds = buckets.map { UInt64($0.nanoseconds) } } else { bounds = [] }
        let excluded = Set(config.excludeDimensions)
        keeps = (!excluded.contains("service.name"), !excluded.contains("span.name"), !excluded.contains("span.kind"), !excluded.contains("status.code"))
    }

    /// Counts one span of `resource` (whose `service.name` is `service`).
    mutating func record(_ span: Span, service: String, resource: Resource, now: Duration) {
        let duration = span.durationNanos
        let isError = span.status.code == .error
        var minute = SpanMetricsKey(service: service, operation: span.name, kind: span.kind, startUnixNano: span.startTimeUnixNano)
        if minutes[minute] == nil, minutes.count >= 2 * config.dimensionsCacheSize {
            // Past the cap, the flush's further operations fold into one per minute, service and kind.
            minute.operation = SpanMetricsKey.overflowOperation
        }
        minutes[minute, default: SpanMetricsCounts()].record(durationNanos: duration, isError: isError)

        let key = SeriesKey(service: keeps.service ? service : nil, name: keeps.name ? span.name : nil, kind: keeps.kind ? span.kind : nil,
                            status: keeps.status ? span.status.code : nil,
                            dimensions: config.dimensions.map { dimension in
                                (span.attributes[key: dimension.name] ?? resource.attributes[key: dimension.name]).map { JaegerTags.text(of: $0) } ?? dimension.defaultValue
                            })
        let isNew = series[key] == nil
        if isNew, series.count >= config.dimensionsCacheSize { expire(now: now) }
        if isNew, series.count >= config.dimensionsCacheSize {
            overflowSpans += 1
            if overflow == nil { overflow = Series(config.histogram, now: now) }
            overflow!.add(nanos: duration, bounds: bounds, now: now)
            return
        }
        series[key, default: Series(config.histogram, now: now)].add(nanos: duration, bounds: bounds, now: now)
    }

    /// Drops the series not updated within `metrics_expiration` of `now` (none when it is 0).
    mutating func expire(now: Duration) {
        let expiration = Duration.nanoseconds(config.metricsExpiration.nanoseconds)
        guard expiration > .zero, now >= nextExpiry else { return }
        series = series.filter { now - $0.value.lastUpdate < expiration }
        if let last = overflow?.lastUpdate, now - last >= expiration { overflow = nil }
        // Updates only move a series' last update later, and new series start at a later now.
        nextExpiry = (series.values.map(\.lastUpdate) + [overflow?.lastUpdate ?? now]).min()! + expiration
    }

    /// The minute counts since the last call, handed over once.
    mutating func takeMinutes() -> [SpanMetricsKey: SpanMetricsCounts] {
        defer { minutes = [:] }
        return minutes
    }
}
