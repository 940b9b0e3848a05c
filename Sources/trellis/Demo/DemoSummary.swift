import TrellisModel

/// The end-of-run report of `trellis demo`: what was sent per flow, what the endpoint made of
/// it, and where to look at the result in the query API.
struct DemoSummary {
    let target: LoadTarget
    let seed: UInt64
    let tally: DemoTally
    let snapshot: LoadStatistics.Snapshot
    let elapsed: Duration
    /// The query API's base URL, without a trailing slash.
    let queryURL: String
    /// When the run ended, in Unix milliseconds (the dependency query's `endTs`).
    let endMillis: UInt64

    var text: String {
        let seconds = elapsed.inSeconds
        let total = tally.total
        let perSecond = seconds > 0 ? Double(total.traces) / seconds : 0
        var lines = [
            "trellis demo: \(target.wireProtocol.rawValue) to \(target.url) for \(String(format1: seconds)) s (--seed \(seed))",
            "",
            "  flow                                  traces    spans",
        ]
        for flow in DemoFlow.allCases {
            let count = tally.counts[flow] ?? DemoTally.Count()
            lines.append("  " + flow.label.padded(36) + String(count.traces).leftPadded(8) + String(count.spans).leftPadded(9))
        }
        lines += [
            "  " + "total".padded(36) + String(total.traces).leftPadded(8) + String(total.spans).leftPadded(9),
            "",
            snapshot.countLines,
            "  rate            \(String(format1: perSecond)) traces/s, \(Int(seconds > 0 ? Double(total.spans) / seconds : 0)) spans/s",
            "",
            "Example traces:",
        ]
        for flow in DemoFlow.allCases where !flow.isHealthCheck {
            guard let id = tally.examples[flow] else { continue }
            lines.append("  " + flow.label.padded(28) + "\(queryURL)/api/traces/\(id.hex)")
            lines.append("  " + "".padded(28) + "\(queryURL)/api/traces/\(id.hex)/timeline")
            lines.append("  " + "".padded(28) + "\(queryURL)/trace/\(id.hex)  (web UI)")
        }
        let lookbackMillis = UInt64(max(0, seconds) * 1000) + 60_000
        lines += [
            "Web UI:",
            "  \(queryURL)/search?service=node-service&lookback=1h",
            "  \(queryURL)/dependencies?lookback=1h",
            "  \(queryURL)/monitor?service=demo-service",
            "Dependency graph:",
            "  \(queryURL)/api/dependencies/graph",
            "  \(queryURL)/api/dependencies?endTs=\(endMillis)&lookback=\(lookbackMillis)",
            "Health checks (GET /health, GET /actuator/health) are sent too; config/examples/tail-sampling-production.yaml drops them by http.route.",
        ]
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
