import Foundation
import TrellisAnalysis
import TrellisModel
import TrellisStorage

/// Jaeger's Monitor API (what its query service serves with SPM on), read from the span metrics
/// the spanmetrics connector keeps in the archive (`SpanMetricsReader`):
/// - `GET /api/metrics/latencies?quantile=` (milliseconds), `/api/metrics/calls` (per second),
///   `/api/metrics/errors` (fraction of calls): `MetricFamily` JSON;
/// - `GET /api/metrics/minstep`: `{"data":60000,…}` in Jaeger's envelope, the finest step in ms.
///
/// Parameters as Jaeger's query parser reads them: `service` (required, repeatable),
/// `groupByOperation`, `spanKind` (repeatable, `server` … as the Jaeger UI sends it, or
/// `SPAN_KIND_SERVER` …, any case; default server), `endTs`
/// (Unix ms, default now), `lookback` (ms, default 1h), `step` (ms, default 5s: rounded up to
/// the one-minute minimum), `ratePer` (ms, default 10m, at most a day).
enum MonitorRoutes {
    static let routes: [QueryRoute] = [
        .get("/api/metrics/latencies", latencies),
        .get("/api/metrics/calls", calls),
        .get("/api/metrics/errors", errors),
        .get("/api/metrics/minstep", minStep),
    ]

    /// The span kinds by the names OpenTelemetry's metrics proto gives them.
    static let kindNames: [(String, SpanKind)] = [
        ("SPAN_KIND_UNSPECIFIED", .unspecified), ("SPAN_KIND_INTERNAL", .internal), ("SPAN_KIND_SERVER", .server),
        ("SPAN_KIND_CLIENT", .client), ("SPAN_KIND_PRODUCER", .producer), ("SPAN_KIND_CONSUMER", .consumer),
    ]

    /// The most points one series may have, as Prometheus allows per query.
    static let maxPoints: UInt64 = 11_000
    /// The widest window before a point: one day, in nanoseconds (each point merges at most 1,440 minutes).
    static let maxRatePer: UInt64 = 86_400_000_000_000

    /// What `quantile` may be, as the OpenAPI document's pattern for it says: a decimal above 0 and
    /// at most 1 (`0.95`, `.5`, `1`).
    static let quantilePattern = #"^(0*\.0*[1-9][0-9]*|0*1(\.0+)?)$"#

    @Sendable static func latencies(_ call: QueryCall) async throws -> [UInt8] {
        let text = try call.parameters.required("quantile")
        guard try text.wholeMatch(of: Regex(quantilePattern)) != nil else {
            throw QueryParameterError.notOneOf(parameter: "quantile", value: text, allowed: ["a decimal above 0 and at most 1, such as 0.95"])
        }
        // Past the digits a Double holds, a quantile above 0 is the least one.
        let quantile = max(Double(text) ?? 0, .leastNonzeroMagnitude)
        return try await answer(call, .latencies(quantile: quantile), extra: ["quantile"])
    }

    @Sendable static func calls(_ call: QueryCall) async throws -> [UInt8] {
        try await answer(call, .calls, extra: [])
    }

    @Sendable static func errors(_ call: QueryCall) async throws -> [UInt8] {
        try await answer(call, .errors, extra: [])
    }

    @Sendable static func minStep(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        return JaegerRoutes.envelope(total: 0) { $0.uint(SpanMetricsQuery.minStepMillis) }
    }

    private static func answer(_ call: QueryCall, _ statistic: SpanMetricsQuery.Statistic, extra: [String]) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["service", "groupByOperation", "spanKind", "endTs", "lookback", "step", "ratePer"] + extra)
        let services = p.all("service")
        guard !services.isEmpty, !services.contains("") else { throw QueryParameterError.missing("service") }
        var kinds: Set<SpanKind> = [.server]
        let kindTexts = p.all("spanKind")
        if !kindTexts.isEmpty {
            kinds = []
            for text in kindTexts {
                guard let kind = kindNames.first(where: { $0.0 == text.uppercased() || $0.0 == "SPAN_KIND_" + text.uppercased() })?.1 else {
                    throw QueryParameterError.notOneOf(parameter: "spanKind", value: text, allowed: kindNames.map(\.0))
                }
                kinds.insert(kind)
            }
        }
        let ms: UInt64 = 1_000_000
        let end = try p.epochTime("endTs", unitNanos: ms, unitName: "milliseconds") ?? call.configuration.now()
        let lookback = try p.positiveSpan("lookback", unitNanos: ms, unitName: "milliseconds") ?? 3_600_000 * ms
        let step = try p.positiveSpan("step", unitNanos: ms, unitName: "milliseconds") ?? 5_000 * ms
        let ratePer = try p.positiveSpan("ratePer", unitNanos: ms, unitName: "milliseconds") ?? 600_000 * ms
        let query = SpanMetricsQuery(services: services, spanKinds: kinds, groupByOperation: try p.bool("groupByOperation") ?? false,
                                     end: end, lookback: lookback, step: step, ratePer: ratePer)
        if ratePer > maxRatePer {
            throw QueryParameterError.tooLarge(parameter: "ratePer", value: String(ratePer / ms), maximum: "\(maxRatePer / ms) ms (one day)")
        }
        if lookback / query.step > maxPoints {
            throw QueryParameterError.tooLarge(parameter: "lookback", value: String(lookback / ms),
                                               maximum: "\(maxPoints) steps of \(query.step / ms) ms")
        }
        guard let reader = call.spanMetrics else { throw QueryError.noSpanMetrics }
        let range = query.readRange
        var counts: [SpanMetricsKey: SpanMetricsCounts] = [:]
        for service in Set(services) {
            counts.merge(try await reader.spanMetrics(service: service, from: range.start, to: range.end)) { $0.merging($1) }
        }
        return Array(try JSONEncoder().encode(query.family(statistic, counts: counts, timestamp: RFC3339.string(unixNanos:))))
    }
}
