import TrellisModel

/// What the demo generated: traces and spans per flow, and the first trace of each flow as an example.
struct DemoTally {
    struct Count {
        var traces = 0
        var spans = 0
    }

    private(set) var counts: [DemoFlow: Count] = [:]
    private(set) var examples: [DemoFlow: TraceID] = [:]

    mutating func record(_ trace: DemoTrace) {
        counts[trace.flow, default: Count()].traces += 1
        counts[trace.flow, default: Count()].spans += trace.spans.count
        if examples[trace.flow] == nil { examples[trace.flow] = trace.traceID }
    }

    var total: Count {
        counts.values.reduce(into: Count()) { total, count in
            total.traces += count.traces
            total.spans += count.spans
        }
    }
}
