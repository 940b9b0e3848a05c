import TrellisModel

/// A Monitor API query over the kept span metrics (`SpanMetricsKey` → `SpanMetricsCounts`, one
/// row per minute), answered as Jaeger's query service answers it from Prometheus: one series
/// per service (or per service and operation), a point every `step` from `end − lookback` to
/// `end`, each over the window `ratePer` before it.
///
/// The kept counts have one-minute resolution: `step` is rounded up to whole minutes (the
/// `/api/metrics/minstep` answer) and a window takes every minute that starts before its point
/// and ends after the window opens. Points with
/// no calls in their window are left out of latencies and error rates (a rate of nothing is not
/// a number); call rates are 0 there, and are calls over the width of the minutes read.
public struct SpanMetricsQuery: Sendable, Hashable {
    public enum Statistic: Sendable, Hashable {
        /// The quantile (0 < q ≤ 1) of durations, in milliseconds (within 12.5 %: `LatencyHistogram`).
        case latencies(quantile: Double)
        /// Calls per second.
        case calls
        /// Errors as a fraction of calls.
        case errors
    }

    /// The finest step the kept counts answer: one minute, in milliseconds.
    public static let minStepMillis: UInt64 = SpanMetricsKey.bucketNanos / 1_000_000

    public var services: [String]
    public var spanKinds: Set<SpanKind>
    public var groupByOperation: Bool
    /// Unix nanoseconds.
    public var end: UInt64
    public var lookback: UInt64
    public var step: UInt64
    public var ratePer: UInt64

    public init(services: [String], spanKinds: Set<SpanKind>, groupByOperation: Bool, end: UInt64, lookback: UInt64, step: UInt64, ratePer: UInt64) {
        self.services = services
        self.spanKinds = spanKinds
        self.groupByOperation = groupByOperation
        self.end = end
        self.lookback = lookback
        let minutes = step / SpanMetricsKey.bucketNanos + (step % SpanMetricsKey.bucketNanos == 0 ? 0 : 1)
        let (rounded, overflow) = max(1, minutes).multipliedReportingOverflow(by: SpanMetricsKey.bucketNanos)
        self.step = overflow ? UInt64(Int64.max) / SpanMetricsKey.bucketNanos * SpanMetricsKey.bucketNanos : min(rounded, UInt64(Int64.max))
        self.ratePer = ratePer
    }

    /// The span start times whose minutes the query reads.
    public var readRange: (start: UInt64, end: UInt64) {
        let (back, overflow) = lookback.addingReportingOverflow(ratePer)
        return (overflow ? 0 : end - min(end, back), end)
    }

    /// The points' times, oldest first.
    public var pointTimes: [UInt64] {
        let first = end - min(end, lookback)
        return (0...(end - first) / step).map { first + $0 * step }
    }

    /// The family of `statistic` from the counts read over `readRange`; `timestamp` writes a
    /// point's time (Unix nanoseconds) as RFC 3339.
    public func family(_ statistic: Statistic, counts: [SpanMetricsKey: SpanMetricsCounts], timestamp: (UInt64) -> String) -> MetricFamily {
        struct Group: Hashable { var service: String; var operation: String? }
        var groups: [Group: [UInt64: SpanMetricsCounts]] = [:]
        let wanted = Set(services)
        for (key, value) in counts where wanted.contains(key.service) && spanKinds.contains(key.kind) {
            groups[Group(service: key.service, operation: groupByOperation ? key.operation : nil), default: [:]][key.bucket, default: SpanMetricsCounts()].merge(value)
        }
        let times = pointTimes
        let metrics = groups.keys.sorted { ($0.service, $0.operation ?? "") < ($1.service, $1.operation ?? "") }.map { group -> MetricFamily.Metric in
            let minutes = groups[group]!.sorted { $0.key < $1.key }
            let points = times.compactMap { time -> MetricFamily.MetricPoint? in
                // The minutes overlapping (time − ratePer, time): from the first that ends after the window
                // opens to the last that starts before the point.
                let opens = time - min(time, ratePer)
                var low = 0, high = minutes.count
                while low < high {
                    let middle = (low + high) / 2
                    if minutes[middle].key + SpanMetricsKey.bucketNanos > opens { high = middle } else { low = middle + 1 }
                }
                var window = SpanMetricsCounts()
                for (bucket, value) in minutes[low...] {
                    if bucket >= time { break }
                    window.merge(value)
                }
                let value: Double
                switch statistic {
                case .calls: value = Double(window.calls) / Self.readSeconds(opens: opens, time: time)
                case .errors:
                    guard window.calls > 0 else { return nil }
                    value = Double(window.errors) / Double(window.calls)
                case .latencies(let quantile):
                    guard window.calls > 0 else { return nil }
                    value = Double(window.latency.quantile(quantile)) / 1e6
                }
                return MetricFamily.MetricPoint(gaugeValue: MetricFamily.GaugeValue(doubleValue: value), timestamp: timestamp(time))
            }
            var labels = [MetricFamily.Label(name: "service_name", value: group.service)]
            if let operation = group.operation { labels.append(MetricFamily.Label(name: "operation", value: operation)) }
            return MetricFamily.Metric(labels: labels, metricPoints: points)
        }
        let grouping = groupByOperation ? "service & operation" : "service"
        let prefix = groupByOperation ? "service_operation" : "service"
        switch statistic {
        case .latencies(let quantile):
            return MetricFamily(name: "\(prefix)_latencies", help: "\(Self.twoDecimals(quantile))th quantile latency, grouped by \(grouping)", metrics: metrics)
        case .calls:
            return MetricFamily(name: "\(prefix)_call_rate", help: "calls/sec, grouped by \(grouping)", metrics: metrics)
        case .errors:
            return MetricFamily(name: "\(prefix)_error_rate", help: "error rate, computed as a fraction of errors/sec over calls/sec, grouped by \(grouping)", metrics: metrics)
        }
    }

    /// The width of the whole minutes a window `opens..<time` reads, in seconds: a rate is the
    /// calls in them over that width (a window not on minute boundaries reads one minute more).
    static func readSeconds(opens: UInt64, time: UInt64) -> Double {
        let minute = SpanMetricsKey.bucketNanos
        guard time > opens else { return Double(minute) / 1e9 }
        let first = opens - opens % minute, last = (time - 1) - (time - 1) % minute
        return Double(last + minute - first) / 1e9
    }

    /// `0.95`, `0.50`: two decimals, as Jaeger writes the quantile in the help text.
    private static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
