import Testing
import TrellisModel
@testable import TrellisAnalysis

@Suite struct SpanMetricsQueryTests {
    private static let minute = SpanMetricsKey.bucketNanos
    private static let base: UInt64 = 1_800_000_000 * 1_000_000_000

    /// `calls` spans of `millis` each (the first `errors` failed) in the minute `base + offset`.
    private static func row(_ service: String, _ operation: String, minute offset: UInt64, calls: UInt64, errors: UInt64 = 0, millis: UInt64,
                            kind: SpanKind = .server) -> (SpanMetricsKey, SpanMetricsCounts) {
        var counts = SpanMetricsCounts()
        for i in 0..<calls { counts.record(durationNanos: millis * 1_000_000, isError: i < errors) }
        return (SpanMetricsKey(bucket: base + offset * minute, service: service, operation: operation, kind: kind), counts)
    }

    private static let counts = Dictionary(uniqueKeysWithValues: [
        row("api", "GET /a", minute: 0, calls: 60, errors: 6, millis: 10),
        row("api", "GET /b", minute: 0, calls: 60, millis: 100),
        row("api", "GET /a", minute: 2, calls: 120, errors: 0, millis: 10),
        row("api", "GET /a", minute: 2, calls: 600, millis: 1, kind: .client),
        row("db", "SELECT", minute: 0, calls: 1_000, millis: 1),
    ])

    private func query(groupByOperation: Bool = false, kinds: Set<SpanKind> = [.server]) -> SpanMetricsQuery {
        // Points at base+1m, +2m, +3m; each over the minute before it.
        SpanMetricsQuery(services: ["api"], spanKinds: kinds, groupByOperation: groupByOperation, end: Self.base + 3 * Self.minute,
                         lookback: 2 * Self.minute, step: 1, ratePer: Self.minute)
    }

    private func values(_ family: MetricFamily) -> [[Double]] {
        family.metrics.map { $0.metricPoints.map(\.gaugeValue.doubleValue) }
    }

    @Test func stepsRoundUpToWholeMinutesAndPointsRunToTheEnd() {
        let q = query()
        #expect(q.step == Self.minute)
        #expect(q.pointTimes == [Self.base + Self.minute, Self.base + 2 * Self.minute, Self.base + 3 * Self.minute])
        #expect(q.readRange == (Self.base, Self.base + 3 * Self.minute))
        #expect(SpanMetricsQuery.minStepMillis == 60_000)
    }

    @Test func callRatesArePerSecondOverTheWindowAndZeroWithoutCalls() {
        let family = query().family(.calls, counts: Self.counts) { "t\($0)" }
        #expect(family.name == "service_call_rate" && family.type == "GAUGE" && family.help == "calls/sec, grouped by service")
        #expect(family.metrics.map(\.labels) == [[MetricFamily.Label(name: "service_name", value: "api")]])
        // The window of base+1m is minute 0: 120 calls over 60 s; minute 1 has none; minute 2 has 120.
        #expect(values(family) == [[2, 0, 2]])
        #expect(family.metrics[0].metricPoints[0].timestamp == "t\(Self.base + Self.minute)")
    }

    @Test func aWindowOffMinuteBoundariesIsARateOverTheMinutesItReads() {
        // 120 calls in minute 0; a point 30 s into minute 1 with a 60 s window reads minutes 0 and 1.
        let q = SpanMetricsQuery(services: ["api"], spanKinds: [.server], groupByOperation: false, end: Self.base + Self.minute + 30_000_000_000,
                                 lookback: 0, step: 1, ratePer: Self.minute)
        #expect(values(q.family(.calls, counts: Self.counts) { _ in "" }) == [[1]])
        #expect(SpanMetricsQuery.readSeconds(opens: Self.base, time: Self.base + Self.minute) == 60)
    }

    @Test func errorRatesAreFractionsOfCallsAndLatenciesAreQuantilesInMilliseconds() {
        let grouped = query(groupByOperation: true)
        let errors = grouped.family(.errors, counts: Self.counts) { _ in "" }
        #expect(errors.name == "service_operation_error_rate" && errors.help.hasSuffix("grouped by service & operation"))
        #expect(errors.metrics.map { $0.labels.map(\.value) } == [["api", "GET /a"], ["api", "GET /b"]])
        #expect(values(errors) == [[0.1, 0], [0]])
        let latencies = query().family(.latencies(quantile: 0.95), counts: Self.counts) { _ in "" }
        #expect(latencies.name == "service_latencies" && latencies.help == "0.95th quantile latency, grouped by service")
        let p95 = values(latencies)[0]
        #expect(p95.count == 2)
        #expect(p95[0] >= 100 && p95[0] <= 112.5 && p95[1] >= 10 && p95[1] <= 11.25)
    }

    @Test func onlyTheAskedKindsAndServicesCount() {
        let both = query(kinds: [.server, .client]).family(.calls, counts: Self.counts) { _ in "" }
        #expect(values(both) == [[2, 0, 12]])
        #expect(query().family(.calls, counts: Self.counts) { _ in "" }.metrics.map { $0.labels[0].value } == ["api"])
        var several = query()
        several.services = ["api", "db"]
        #expect(several.family(.calls, counts: Self.counts) { _ in "" }.metrics.map { $0.labels[0].value } == ["api", "db"])
    }
}
