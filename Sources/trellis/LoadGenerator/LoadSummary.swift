/// The end-of-run report: text for people, or one JSON line for scripts.
struct LoadSummary {
    let options: LoadRun.Options
    let snapshot: LoadStatistics.Snapshot
    let elapsed: Duration

    private var seconds: Double { elapsed.inSeconds }

    private var endpointURL: String { options.target.url }

    private var spansPerSecond: Int { seconds > 0 ? Int(Double(snapshot.spansAccepted) / seconds) : 0 }

    private func milliseconds(_ percentile: Double) -> Double {
        guard snapshot.latency.totalCount > 0 else { return 0 }
        return (Double(snapshot.latency.valueAtPercentile(percentile)) / 1000 * 100).rounded() / 100
    }

    private var maxMilliseconds: Double { (Double(snapshot.latency.maxRecorded) / 1000 * 100).rounded() / 100 }

    var text: String {
        """
        trellis loadgen: \(options.target.wireProtocol.rawValue) to \(endpointURL) for \(String(format1: seconds)) s
        \(snapshot.countLines)
          throughput      \(spansPerSecond) spans/s
          latency         p50 \(milliseconds(50)) ms  p90 \(milliseconds(90)) ms  p99 \(milliseconds(99)) ms  max \(maxMilliseconds) ms
        """
    }

    var jsonLine: String {
        let error = (snapshot.firstError ?? "").replacingQuotes
        return "{\"tool\":\"trellis-loadgen\",\"protocol\":\"\(options.target.wireProtocol.rawValue)\",\"endpoint\":\"\(endpointURL.replacingQuotes)\","
            + "\"duration_s\":\(String(format1: seconds)),\"requests\":\(snapshot.requests),\"spans_sent\":\(snapshot.spansSent),"
            + "\"spans_accepted\":\(snapshot.spansAccepted),\"spans_refused\":\(snapshot.spansRefused),\"spans_failed\":\(snapshot.spansFailed),"
            + "\"retries\":\(snapshot.retries),\"reconnects\":\(snapshot.reconnects),\"spans_per_sec\":\(spansPerSecond),\"p50_ms\":\(milliseconds(50)),\"p90_ms\":\(milliseconds(90)),"
            + "\"p99_ms\":\(milliseconds(99)),\"max_ms\":\(maxMilliseconds),\"first_error\":\"\(error)\"}"
    }
}

extension String {
    /// `value` with one decimal, e.g. `20.0`.
    init(format1 value: Double) {
        self = String((value * 10).rounded() / 10)
    }
}

private extension String {
    var replacingQuotes: String {
        var out = ""
        for c in unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: if c.value >= 0x20 { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
