import Testing
import TrellisAnalysis
import TrellisModel

@Suite struct DependencyGraphTests {
    private static let ms: UInt64 = 1_000_000

    private func histogram(_ nanos: [UInt64]) -> LatencyHistogram {
        var histogram = LatencyHistogram()
        for duration in nanos { histogram.record(nanos: duration) }
        return histogram
    }

    /// An hour of the demo: a browser-side `frontend` calls node-service twice; node-service calls
    /// demo-service four times (one simulated error taking 200 ms); demo-service queries an
    /// uninstrumented PostgreSQL twice (one failing); a `batch-job` talks to nobody.
    private var summary: DependencySummary {
        DependencySummary(
            links: [
                DependencyLink(parent: "frontend", child: "node-service", callCount: 2, latency: histogram([48 * Self.ms, 48 * Self.ms])),
                DependencyLink(parent: "node-service", child: "demo-service", callCount: 4, errorCount: 1,
                               latency: histogram([40 * Self.ms, 40 * Self.ms, 40 * Self.ms, 200 * Self.ms])),
                DependencyLink(parent: "demo-service", child: "postgresql", callCount: 2, errorCount: 1,
                               latency: histogram([2 * Self.ms, 3 * Self.ms]), childIsVirtual: true),
            ],
            services: [
                ServiceActivity(service: "frontend", spanCount: 2),
                ServiceActivity(service: "node-service", spanCount: 8, errorCount: 1, serverLatency: histogram(Array(repeating: 48 * Self.ms, count: 4))),
                ServiceActivity(service: "demo-service", spanCount: 10, errorCount: 2,
                                serverLatency: histogram([40 * Self.ms, 40 * Self.ms, 40 * Self.ms, 200 * Self.ms])),
                ServiceActivity(service: "batch-job", spanCount: 3),
            ])
    }

    // Histogram bucket upper bounds, in µs: 48 ms → 50,331; 40 ms → 41,943; 200 ms → 201,326;
    // 2 ms → 2,097; 3 ms → 3,145.
    private let batchJob = DependencyGraphNode(service: "batch-job", spanCount: 3, errorRate: 0, p50: nil, p99: nil, virtual: false)
    private let demo = DependencyGraphNode(service: "demo-service", spanCount: 10, errorRate: 0.2, p50: 41_943, p99: 201_326, virtual: false)
    private let frontend = DependencyGraphNode(service: "frontend", spanCount: 2, errorRate: 0, p50: nil, p99: nil, virtual: false)
    private let node = DependencyGraphNode(service: "node-service", spanCount: 8, errorRate: 0.125, p50: 50_331, p99: 50_331, virtual: false)
    private let postgres = DependencyGraphNode(service: "postgresql", spanCount: 0, errorRate: 0.5, p50: 2_097, p99: 3_145, virtual: true)
    private let demoToPostgres = DependencyGraphEdge(parent: "demo-service", child: "postgresql", callCount: 2, errorCount: 1, p50: 2_097, p99: 3_145)
    private let frontendToNode = DependencyGraphEdge(parent: "frontend", child: "node-service", callCount: 2, errorCount: 0, p50: 50_331, p99: 50_331)
    private let nodeToDemo = DependencyGraphEdge(parent: "node-service", child: "demo-service", callCount: 4, errorCount: 1, p50: 41_943, p99: 201_326)

    @Test func graphHasEveryServiceAndCallSortedWithLatencyInMicroseconds() {
        let graph = DependencyGraph(summary: summary)
        #expect(graph.nodes == [batchJob, demo, frontend, node, postgres])
        #expect(graph.edges == [demoToPostgres, frontendToNode, nodeToDemo])
    }

    @Test func serviceFilterKeepsTheEdgesTouchingItAndTheirNodes() {
        let graph = DependencyGraph(summary: summary, service: "demo-service")
        #expect(graph.nodes == [demo, node, postgres])
        #expect(graph.edges == [demoToPostgres, nodeToDemo])
    }

    @Test func filteringOnAVirtualPeerShowsItsCallers() {
        let graph = DependencyGraph(summary: summary, service: "postgresql")
        #expect(graph.nodes == [demo, postgres])
        #expect(graph.edges == [demoToPostgres])
    }

    @Test func serviceWithoutCallsIsShownAlone() {
        #expect(DependencyGraph(summary: summary, service: "batch-job") == DependencyGraph(nodes: [batchJob], edges: []))
    }

    @Test func unknownServiceGivesAnEmptyGraph() {
        #expect(DependencyGraph(summary: summary, service: "checkout") == DependencyGraph(nodes: [], edges: []))
    }

    @Test func summaryOfADemoTraceShowsTheDatabaseAsAVirtualNode() {
        var batch = greetingTrace()
        batch.resourceSpans[1].scopeSpans[0].spans.append(Span(
            traceID: fixtureTraceID, spanID: SpanID(6), parentSpanID: SpanID(4), name: "SELECT greetings", kind: .client,
            startTimeUnixNano: (demoStart + 6_000) * 1_000, endTimeUnixNano: (demoStart + 8_000) * 1_000,
            attributes: [Attribute("db.system", .string("postgresql"))], status: SpanStatus(code: .error)))
        var summary = DependencySummary()
        for bucket in DependencySummary.bucketed(batch, bucketNanos: 3_600_000_000_000).values { summary.merge(bucket) }
        let graph = DependencyGraph(summary: summary)
        #expect(graph.nodes.map(\.service) == ["demo-service", "node-service", "postgresql"])
        #expect(graph.nodes.map(\.virtual) == [false, false, true])
        #expect(graph.nodes.map(\.spanCount) == [3, 3, 0])
        #expect(graph.nodes.map(\.errorRate) == [1.0 / 3, 0, 1])
        #expect(graph.edges.map { "\($0.parent)->\($0.child) \($0.callCount)/\($0.errorCount)" }
            == ["demo-service->postgresql 1/1", "node-service->demo-service 1/0"])
    }

    @Test func jaegerLinksLeaveOutVirtualPeers() {
        #expect(JaegerDependencyLink.links(in: summary) == [
            JaegerDependencyLink(parent: "frontend", child: "node-service", callCount: 2),
            JaegerDependencyLink(parent: "node-service", child: "demo-service", callCount: 4),
        ])
    }
}
