import TrellisModel

/// The spanmetrics series in the Prometheus text format (version 0.0.4), named as the
/// collector's Prometheus exporter names the connector's metrics: the namespace with dots as
/// underscores, then `_calls_total` (counter) and `_duration_milliseconds` (histogram with
/// `_bucket{le}`, `_sum`, `_count`; with `histogram.exponential`, a series' `le` values are the
/// bounds of its exponential histogram's buckets in use, which change as it widens). Labels: `service_name`, `span_name`, `span_kind`
/// (`SPAN_KIND_SERVER`, …), `status_code` (`STATUS_CODE_UNSET`, `_OK`, `_ERROR`), then each
/// dimension with every character outside `[A-Za-z0-9_]` as `_`. Series are sorted by labels.
enum SpanMetricsExposition {
    static func text(of state: SpanMetricsState) -> String {
        let prefix = state.config.metricPrefix
        let names = state.config.dimensions.map { sanitized($0.name) }
        let bounds: [String]
        if case .explicit(let buckets) = state.config.histogram { bounds = buckets.map { number(Double($0.nanoseconds) / 1_000_000) } } else { bounds = [] }
        var rows: [(labels: String, series: SpanMetricsState.Series)] = state.series.map { key, series in
            var pairs: [(String, String)] = []
            if let service = key.service { pairs.append(("service_name", service)) }
            if let name = key.name { pairs.append(("span_name", name)) }
            if let kind = key.kind { pairs.append(("span_kind", kindName(kind))) }
            if let status = key.status { pairs.append(("status_code", statusName(status))) }
            for (name, value) in zip(names, key.dimensions) { if let value { pairs.append((name, value)) } }
            return (pairs.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: ","), series)
        }
        rows.sort { $0.labels < $1.labels }
        if let overflow = state.overflow { rows.append(("otel_metric_overflow=\"true\"", overflow)) }

        var out = "# HELP \(prefix)_calls_total Spans counted by the spanmetrics connector before sampling.\n# TYPE \(prefix)_calls_total counter\n"
        for row in rows { out += "\(prefix)_calls_total{\(row.labels)} \(row.series.calls)\n" }
        let histogram = "\(prefix)_duration_milliseconds"
        out += "# HELP \(histogram) Span durations counted by the spanmetrics connector before sampling.\n# TYPE \(histogram) histogram\n"
        for row in rows {
            let separator = row.labels.isEmpty ? "" : ","
            for (bound, count) in cumulative(row.series, bounds: bounds) + [("+Inf", row.series.calls)] {
                out += "\(histogram)_bucket{\(row.labels)\(separator)le=\"\(bound)\"} \(count)\n"
            }
            out += "\(histogram)_sum{\(row.labels)} \(row.series.sumMillis)\n\(histogram)_count{\(row.labels)} \(row.series.calls)\n"
        }
        return out
    }

    /// `SPAN_KIND_SERVER` and so on, OTLP's enum names.
    static func kindName(_ kind: SpanKind) -> String {
        switch kind {
        case .unspecified: "SPAN_KIND_UNSPECIFIED"
        case .internal: "SPAN_KIND_INTERNAL"
        case .server: "SPAN_KIND_SERVER"
        case .client: "SPAN_KIND_CLIENT"
        case .producer: "SPAN_KIND_PRODUCER"
        case .consumer: "SPAN_KIND_CONSUMER"
        }
    }

    static func statusName(_ code: SpanStatus.Code) -> String {
        switch code {
        case .unset: "STATUS_CODE_UNSET"
        case .ok: "STATUS_CODE_OK"
        case .error: "STATUS_CODE_ERROR"
        }
    }

    /// A metric or label name: characters outside `[A-Za-z0-9_]` become `_`.
    static func sanitized(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
    }

    /// A label value with `\`, `"` and newlines escaped.
    private static func escaped(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// A series' cumulative buckets below `+Inf` (bound as written, durations at or below it): at
    /// the explicit `bounds`, or at the bounds of its exponential histogram's buckets in use.
    private static func cumulative(_ series: SpanMetricsState.Series, bounds: [String]) -> [(String, UInt64)] {
        if let exponential = series.exponential { return exponential.cumulative.map { (number($0.upperBound), $0.count) } }
        var total: UInt64 = 0
        return zip(bounds, series.buckets).map { bound, count in
            total += count
            return (bound, total)
        }
    }

    /// A bound in milliseconds, without a fraction when whole (`2`, `0.5`, `1.0905077326652577`).
    private static func number(_ value: Double) -> String {
        value == value.rounded() && value < 1e15 ? String(Int64(value)) : String(value)
    }
}
