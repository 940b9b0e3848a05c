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

/// The web UI's service overview over the same archive.
@Suite struct MonitorPageTests {
    @Test func theOverviewChartsAServiceAndListsItsOperationsLinkingToSearches() async throws {
        let path = NSTemporaryDirectory() + "monitor-page-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let archive = try SQLiteArchive(path: path)
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        var counts = SpanMetricsCounts()
        for i in 0..<60 { counts.record(durationNanos: 5_000_000, isError: i < 15) }
        try archive.writeSpanMetrics([SpanMetricsKey(service: "api", operation: "GET /<cart>", kind: .server, startUnixNano: now - 120_000_000_000): counts])
        try await withQueryServer(reader: archive) { port in
            let page = try await HTTPTestClient.get(port: port, "/monitor?service=api&lookback=1h")
            #expect(page.status == 200)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.components(separatedBy: "<polyline").count - 1 == 5)
            #expect(html.contains("<tr><td><a href=\"/search?service=api&amp;operation=GET%20%2F%3Ccart%3E&amp;lookback=1h\">GET /&lt;cart&gt;</a></td><td>0.02</td><td>25%</td>"))
            let empty = String(decoding: try await HTTPTestClient.get(port: port, "/monitor?service=nobody").body, as: UTF8.self)
            #expect(empty.contains("id=\"no-metrics\""))
            #expect(try await HTTPTestClient.get(port: port, "/monitor?service=api&lookback=forever").status == 400)
        }
        archive.close()
    }
}
