import Foundation
import Testing
import TrellisModel
import TrellisStorage
@testable import TrellisServer

/// Jaeger's Monitor API over a real archive holding span metrics, as bytes on the wire.
@Suite struct MonitorAPITests {
    private static let minute = SpanMetricsKey.bucketNanos
    private static let base: UInt64 = 1_800_000_000 * 1_000_000_000

    private func withArchive(_ body: (Int) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "monitor-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let archive = try SQLiteArchive(path: path)
        var counts = SpanMetricsCounts()
        for i in 0..<120 { counts.record(durationNanos: 20_000_000, isError: i < 30) }
        try archive.writeSpanMetrics([SpanMetricsKey(bucket: Self.base, service: "api", operation: "GET /", kind: .server): counts])
        try await withQueryServer(reader: archive) { port in try await body(port) }
        archive.close()
    }

    private var window: String { "endTs=\((Self.base + Self.minute) / 1_000_000)&lookback=60000&step=60000&ratePer=60000" }

    @Test func callsErrorsAndLatenciesAnswerInJaegersMetricFamilyShape() async throws {
        try await withArchive { port in
            let calls = try await HTTPTestClient.get(port: port, "/api/metrics/calls?service=api&\(window)")
            #expect(calls.status == 200)
            let family = try calls.object()
            #expect(family["name"] as? String == "service_call_rate" && family["type"] as? String == "GAUGE")
            let metric = try #require((family["metrics"] as? [[String: Any]])?.first)
            #expect((metric["labels"] as? [[String: String]]) == [["name": "service_name", "value": "api"]])
            let points = try #require(metric["metricPoints"] as? [[String: Any]])
            #expect(points.map { ($0["gaugeValue"] as? [String: Double])?["doubleValue"] } == [0, 2])
            #expect(points.last?["timestamp"] as? String == "2027-01-15T08:01:00.000Z")
            let errors = try await HTTPTestClient.get(port: port, "/api/metrics/errors?service=api&groupByOperation=true&\(window)").object()
            #expect(errors["name"] as? String == "service_operation_error_rate")
            let latencies = try await HTTPTestClient.get(port: port, "/api/metrics/latencies?service=api&quantile=0.5&\(window)").object()
            let p50 = try #require(((latencies["metrics"] as? [[String: Any]])?.first?["metricPoints"] as? [[String: Any]])?.first?["gaugeValue"] as? [String: Double])
            #expect((20...22.5).contains(p50["doubleValue"] ?? 0))
            let step = try await HTTPTestClient.get(port: port, "/api/metrics/minstep").object()
            #expect(step["data"] as? Int == 60_000)
        }
    }

    @Test func badParametersAre400NamingTheParameter() async throws {
        try await withArchive { port in
            for (target, message) in [
                ("/api/metrics/calls", "parameter 'service' is required"),
                ("/api/metrics/latencies?service=api", "parameter 'quantile' is required"),
                ("/api/metrics/latencies?service=api&quantile=1.5", "quantile"),
                ("/api/metrics/calls?service=api&spanKind=servers", "SPAN_KIND_SERVER"),
                ("/api/metrics/calls?service=api&step=0", "step"),
                ("/api/metrics/calls?service=api&lookback=86400000000", "lookback"),
                ("/api/metrics/calls?service=api&ratePer=86400001", "ratePer"),
                ("/api/metrics/calls?service=api&groupByOperation=maybe", "groupByOperation"),
                ("/api/metrics/calls?service=api&endTs=soon", "endTs"),
                ("/api/metrics/calls?service=api&limit=3", "limit"),
            ] {
                let answer = try await HTTPTestClient.get(port: port, target)
                #expect(answer.status == 400, "\(target)")
                #expect(String(decoding: answer.body, as: UTF8.self).contains(message), "\(target)")
            }
        }
    }

    @Test func aQuantileIsAcceptedExactlyWhenTheOpenAPIDocumentsPatternMatchesIt() async throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        let latencies = ((document["paths"] as? [String: Any])?["/api/metrics/latencies"] as? [String: Any])?["get"] as? [String: Any]
        let quantile = (latencies?["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "quantile" }
        let pattern = try #require((quantile?["schema"] as? [String: Any])?["pattern"] as? String)
        #expect(pattern == MonitorRoutes.quantilePattern)
        let regex = try NSRegularExpression(pattern: pattern)
        try await withArchive { port in
            let accepted = ["0.95", ".5", "0.05", "1", "1.00", "01", "0.000001"]
            for text in accepted + ["0", "0.0", ".0", "00.000", "1.5", "1.01", "2", "1e-1", "-0.5", "0x1", "0.5.5", "1."] {
                let status = try await HTTPTestClient.get(port: port, "/api/metrics/latencies?service=api&quantile=\(text)&\(window)").status
                let matches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(matches == accepted.contains(text), "\(text)")
                #expect(status == (matches ? 200 : 400), "\(text)")
            }
        }
    }

    @Test func theJaegerUIsKindNamesAndExtremeTimesAreAnswered() async throws {
        try await withArchive { port in
            for kind in ["server", "SERVER", "SPAN_KIND_SERVER", "span_kind_server"] {
                let answer = try await HTTPTestClient.get(port: port, "/api/metrics/calls?service=api&spanKind=\(kind)&\(window)")
                #expect(answer.status == 200, "\(kind)")
            }
            // Points near the top of the 64-bit nanosecond range, and a lookback past the epoch.
            let top = try await HTTPTestClient.get(port: port, "/api/metrics/calls?service=a&endTs=18446744073709&lookback=90000")
            #expect(top.status == 200)
            let early = try await HTTPTestClient.get(port: port, "/api/metrics/calls?service=a&endTs=1000&lookback=3600000")
            #expect(early.status == 200)
        }
    }

    @Test func aStoreWithoutSpanMetricsAnswers501() async throws {
        try await withQueryServer(reader: RingStore(maxBytes: 1 << 20)) { port in
            let answer = try await HTTPTestClient.get(port: port, "/api/metrics/calls?service=api")
            #expect(answer.status == 501)
            #expect(String(decoding: answer.body, as: UTF8.self).contains("spanmetrics connector"))
        }
    }
}

/// The web UI's service overview over the same archive, its window ending at a fixed time.
@Suite struct MonitorPageTests {
    /// 45 s into a minute: the page's last point.
    private static let end: UInt64 = 1_800_000_000 * 1_000_000_000 + 45_000_000_000

    private func withMonitor(_ minutes: [SpanMetricsKey: SpanMetricsCounts], traces: [TraceBatch] = [], _ body: (Int) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "monitor-page-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let archive = try SQLiteArchive(path: path)
        try archive.writeSpanMetrics(minutes)
        for batch in traces { try await archive.write(batch) }
        try await withQueryServer(QueryConfiguration(now: { Self.end }), reader: archive) { port in try await body(port) }
        archive.close()
    }

    private static func counts(_ calls: Int, errors: Int, millis: UInt64) -> SpanMetricsCounts {
        var counts = SpanMetricsCounts()
        for i in 0..<calls { counts.record(durationNanos: millis * 1_000_000, isError: i < errors) }
        return counts
    }

    /// The page's three charts (requests, errors, latency), each as its SVG.
    private static func charts(_ html: String) -> [String] {
        html.components(separatedBy: "<figure>").dropFirst().map { $0.components(separatedBy: "</figure>")[0] }
    }

    /// The number of points of each polyline in a chart.
    private static func polylinePoints(_ chart: String) -> [Int] {
        chart.components(separatedBy: "<polyline").dropFirst().map { line in
            line.components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }.split(separator: " ").count
        }
    }

    @Test func theOverviewChartsAServiceAndListsItsOperationsLinkingToSearches() async throws {
        let key = SpanMetricsKey(service: "api", operation: "GET /<cart>", kind: .server, startUnixNano: Self.end - 120_000_000_000)
        try await withMonitor([key: Self.counts(60, errors: 15, millis: 5)]) { port in
            let page = try await HTTPTestClient.get(port: port, "/monitor?service=api&lookback=1h")
            #expect(page.status == 200)
            let html = String(decoding: page.body, as: UTF8.self)
            // Rates over the whole hour; error rate and p50/p95/p99 over the two points whose minute windows hold the data.
            #expect(Self.charts(html).map(Self.polylinePoints) == [[61], [2], [2, 2, 2]])
            #expect(html.contains("<tr><td><a href=\"/search?service=api&amp;operation=GET%20%2F%3Ccart%3E&amp;lookback=1h\">GET /&lt;cart&gt;</a></td><td>0.02</td><td>25%</td>"))
            let empty = String(decoding: try await HTTPTestClient.get(port: port, "/monitor?service=nobody").body, as: UTF8.self)
            #expect(empty.contains("id=\"no-metrics\""))
            #expect(try await HTTPTestClient.get(port: port, "/monitor?service=api&lookback=forever").status == 400)
        }
    }

    @Test func theSpansPastTheConnectorsKeyCapAreOneLastRowWithNoSearchLink() async throws {
        let start = Self.end - 30_000_000_000
        try await withMonitor([
            SpanMetricsKey(service: "api", operation: "GET /", kind: .server, startUnixNano: start): Self.counts(6, errors: 0, millis: 5),
            SpanMetricsKey(service: "api", operation: SpanMetricsKey.overflowOperation, kind: .server, startUnixNano: start): Self.counts(3, errors: 3, millis: 5),
        ]) { port in
            let html = String(decoding: try await HTTPTestClient.get(port: port, "/monitor?service=api&lookback=1h").body, as: UTF8.self)
            #expect(!html.contains("operation=\(SpanMetricsKey.overflowOperation)") && !html.contains(">\(SpanMetricsKey.overflowOperation)<"))
            let rows = html.components(separatedBy: "<tr>").dropFirst(2)
            #expect(rows.count == 2)
            #expect(rows.first?.contains("operation=GET%20%2F") == true)
            #expect(rows.last?.hasPrefix("<td class=\"muted\" id=\"overflow\">Other operations") == true && rows.last?.contains("<td>100%</td>") == true)
        }
    }

    @Test func theServicesToChooseFromAreThoseWithTracesAndThoseWithSpanMetricsOnly() async throws {
        // Tail sampling dropped every trace of api; a trace of node-service and demo-service is kept (they have no span metrics).
        let key = SpanMetricsKey(service: "api", operation: "GET /", kind: .server, startUnixNano: Self.end - 30_000_000_000)
        let kept = QueryFixture.flow(1, route: "/", method: "GET", start: Self.end - 60_000_000_000, duration: 1_000_000, status: 200)
        try await withMonitor([key: Self.counts(1, errors: 0, millis: 5)], traces: [kept]) { port in
            let html = String(decoding: try await HTTPTestClient.get(port: port, "/monitor?service=api").body, as: UTF8.self)
            #expect(html.contains("<option value=\"api\" selected>api</option><option value=\"demo-service\">demo-service</option><option value=\"node-service\">node-service</option></select>"))
            #expect(html.contains("<table id=\"operations\">"))
        }
    }

    @Test func aSingleMinuteOfDataIsAVisibleMarkInEveryChart() async throws {
        // Data only in the last minute: one point of error rate and of each latency quantile.
        let key = SpanMetricsKey(service: "api", operation: "GET /", kind: .server, startUnixNano: Self.end - 30_000_000_000)
        try await withMonitor([key: Self.counts(60, errors: 15, millis: 5)]) { port in
            let charts = Self.charts(String(decoding: try await HTTPTestClient.get(port: port, "/monitor?service=api&lookback=1h").body, as: UTF8.self))
            #expect(charts.count == 3)
            for chart in charts {
                let lines = Self.polylinePoints(chart)
                #expect(lines.allSatisfy { $0 >= 2 }, "a line of one point draws nothing: \(chart)")
                #expect(!lines.isEmpty || chart.contains("<circle"), "\(chart)")
            }
            #expect(charts[1].components(separatedBy: "<circle").count - 1 == 1 && charts[1].contains("<title>errors 25%</title>"))
            #expect(charts[2].components(separatedBy: "<circle").count - 1 == 3)
            for quantile in ["p50", "p95", "p99"] { #expect(charts[2].contains("<title>\(quantile) 5.2"), "\(quantile)") }
        }
    }
}
