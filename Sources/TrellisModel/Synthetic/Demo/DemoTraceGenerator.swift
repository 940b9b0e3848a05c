/// Generates the traces of the reference deployment (node-service calling demo-service, both
/// auto-instrumented): a flow drawn by weight, then its spans with realistic timing. Pure and
/// deterministic: the same seed and the same end times give the same traces.
public struct DemoTraceGenerator: Sendable {
    /// How many servers a `POST /api/chain` crosses.
    public var chainDepths: ClosedRange<Int> = 3...6

    private var random: SplitMix64
    private static let names = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Margaret", "Linus", "Katherine", "Dennis", "Frances"]

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// The next trace, its flow drawn by weight, its last span ending at `endNanos`.
    public mutating func next(endingAt endNanos: UInt64) -> DemoTrace {
        trace(of: DemoFlow.pick(using: &random), endingAt: endNanos)
    }

    /// A trace of `flow` whose last span ends at `endNanos` (so a trace sent now is in the past).
    public mutating func trace(of flow: DemoFlow, endingAt endNanos: UInt64) -> DemoTrace {
        var builder = DemoTraceBuilder(random: SplitMix64(seed: random.next()))
        switch flow {
        case .greeting:
            builder.request(.greeting(name: Self.names[Int(random.next() % UInt64(Self.names.count))]), to: .node, from: DemoTraceBuilder.outsideCaller)
        case .chain:
            builder.request(.chain(depth: Int.random(in: chainDepths, using: &random)), to: .node, from: DemoTraceBuilder.outsideCaller)
        case .slow:
            builder.request(.simulate(.slow), to: .node, from: DemoTraceBuilder.outsideCaller)
        case .error:
            builder.request(.simulate(.error), to: .node, from: DemoTraceBuilder.outsideCaller)
        case .timeout:
            builder.request(.simulate(.timeout), to: .node, from: DemoTraceBuilder.outsideCaller)
        case .nodeHealth:
            builder.request(.health, to: .node, from: DemoTraceBuilder.kubelet)
        case .demoHealth:
            builder.request(.health, to: .demo, from: DemoTraceBuilder.kubelet)
        }
        let trace = DemoTrace(flow: flow, traceID: builder.traceID, spans: builder.spans)
        return trace.shifted(by: endNanos &- trace.endNanos)
    }
}
