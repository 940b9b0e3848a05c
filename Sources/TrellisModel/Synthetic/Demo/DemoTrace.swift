/// One generated request of the reference deployment: every span of its trace, across both services.
public struct DemoTrace: Hashable, Sendable {
    public var flow: DemoFlow
    public var traceID: TraceID
    public var spans: [DemoSpan]

    public init(flow: DemoFlow, traceID: TraceID, spans: [DemoSpan]) {
        self.flow = flow
        self.traceID = traceID
        self.spans = spans
    }

    /// The earliest start and the latest end of any span (nanoseconds since the epoch).
    public var startNanos: UInt64 { spans.map(\.span.startTimeUnixNano).min() ?? 0 }
    public var endNanos: UInt64 { spans.map(\.span.endTimeUnixNano).max() ?? 0 }

    /// The spans one service produced, which its agent exports on its own.
    public func spans(of service: DemoService) -> [DemoSpan] {
        spans.filter { $0.service == service }
    }

    /// The same trace moved in time by `offset` nanoseconds: spans and their events.
    func shifted(by offset: UInt64) -> DemoTrace {
        var copy = self
        for i in copy.spans.indices {
            copy.spans[i].span.startTimeUnixNano &+= offset
            copy.spans[i].span.endTimeUnixNano &+= offset
            for e in copy.spans[i].span.events.indices { copy.spans[i].span.events[e].timeUnixNano &+= offset }
        }
        return copy
    }
}
