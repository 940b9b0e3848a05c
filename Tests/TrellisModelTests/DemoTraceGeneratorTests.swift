import Testing
import TrellisModel

@Suite struct DemoTraceGeneratorTests {
    private let end: UInt64 = 1_750_000_000_000_000_000

    private func trace(_ flow: DemoFlow, seed: UInt64 = 7, depths: ClosedRange<Int> = 3...6) -> DemoTrace {
        var generator = DemoTraceGenerator(seed: seed)
        generator.chainDepths = depths
        return generator.trace(of: flow, endingAt: end)
    }

    private func rootOf(_ trace: DemoTrace) -> DemoSpan? {
        trace.spans.first { $0.span.isRoot }
    }

    private func children(of parent: DemoSpan, in trace: DemoTrace) -> [DemoSpan] {
        trace.spans.filter { $0.span.parentSpanID == parent.span.spanID }
    }

    private func only(_ kind: SpanKind, of service: DemoService, in trace: DemoTrace) -> [DemoSpan] {
        trace.spans.filter { $0.span.kind == kind && $0.service == service }
    }

    private func string(_ key: String, _ item: DemoSpan) -> String? {
        item.span.attributes[key: key]?.stringValue
    }

    private func int(_ key: String, _ item: DemoSpan) -> Int64? {
        if case .int(let value)? = item.span.attributes[key: key] { return value }
        return nil
    }

    @Test func greetingGoesFromNodeServerThroughNodeClientToDemoServerAndItsController() throws {
        let t = trace(.greeting)
        #expect(t.spans.count == 4)
        let server = try #require(rootOf(t))
        #expect((server.service, server.span.kind, server.span.name, server.scope.name) == (.node, .server, "GET /api/greeting", "@opentelemetry/instrumentation-http"))
        let client = try #require(children(of: server, in: t).first)
        #expect((client.service, client.span.kind, client.span.name) == (.node, .client, "GET"))
        let demo = try #require(children(of: client, in: t).first)
        #expect((demo.service, demo.span.kind, demo.span.name, demo.scope.name) == (.demo, .server, "GET /api/greeting", "io.opentelemetry.tomcat-10.0"))
        let controller = try #require(children(of: demo, in: t).first)
        #expect((controller.service, controller.span.kind, controller.span.name, controller.scope.name)
                == (.demo, .internal, "GreetingController.greeting", "io.opentelemetry.spring-webmvc-6.0"))
        #expect(string("http.target", client)?.hasPrefix("/api/greeting?name=") == true)
        #expect(string("url.query", demo) == string("http.target", client).map { String($0.dropFirst("/api/greeting?".count)) })
    }

    @Test func everyTraceHasOneRootUniqueSpanIDsAndParentsInsideTheTrace() {
        var generator = DemoTraceGenerator(seed: 3)
        for _ in 0..<300 {
            let t = generator.next(endingAt: end)
            let ids = Set(t.spans.map(\.span.spanID))
            #expect(ids.count == t.spans.count)
            #expect(t.spans.filter(\.span.isRoot).count == 1)
            #expect(t.spans.allSatisfy { $0.span.traceID == t.traceID && ($0.span.isRoot || ids.contains($0.span.parentSpanID)) })
            #expect(t.spans.allSatisfy { $0.span.startTimeUnixNano < $0.span.endTimeUnixNano })
        }
    }

    @Test func serverSpansStartAfterAndEndBeforeTheirClientSpans() {
        var generator = DemoTraceGenerator(seed: 5)
        for flow in DemoFlow.allCases where flow != .timeout {
            let t = generator.trace(of: flow, endingAt: end)
            for client in t.spans where client.span.kind == .client {
                for server in children(of: client, in: t) {
                    #expect(server.span.startTimeUnixNano > client.span.startTimeUnixNano)
                    #expect(server.span.endTimeUnixNano < client.span.endTimeUnixNano)
                }
            }
        }
    }

    @Test(arguments: 1...6) func chainAlternatesTheServicesToTheAskedDepth(depth: Int) throws {
        let t = trace(.chain, depths: depth...depth)
        let servers = t.spans.filter { $0.span.kind == .server }.sorted { $0.span.startTimeUnixNano < $1.span.startTimeUnixNano }
        #expect(servers.count == depth)
        #expect(servers.map(\.service) == (0..<depth).map { $0 % 2 == 0 ? DemoService.node : .demo })
        #expect(servers.first?.span.isRoot == true)
        for (caller, callee) in zip(servers, servers.dropFirst()) {
            let client = try #require(t.spans.first { $0.span.spanID == callee.span.parentSpanID })
            #expect(client.span.kind == .client && client.service == caller.service)
            // node-service calls from its server span, demo-service from its controller span.
            let parent = try #require(t.spans.first { $0.span.spanID == client.span.parentSpanID })
            #expect(parent.span.spanID == caller.span.spanID || parent.span.parentSpanID == caller.span.spanID)
        }
        #expect(t.spans.filter { $0.span.kind == .server }.allSatisfy { $0.span.name == "POST /api/chain" })
        #expect(t.spans.filter { $0.span.kind == .client }.count == depth - 1)
        #expect(only(.client, of: .demo, in: t).allSatisfy { $0.scope.name == "io.opentelemetry.java-http-client" && $0.span.name == "POST" })
    }

    @Test func errorFlowThrowsInDemoServiceAndMarksNodeServiceSpansAsErrors() throws {
        let t = trace(.error)
        let demo = try #require(only(.server, of: .demo, in: t).first)
        #expect(demo.span.status.code == .error)
        #expect(int("http.response.status_code", demo) == 500)
        for item in [demo, try #require(only(.internal, of: .demo, in: t).first)] {
            let event = try #require(item.span.events.first)
            #expect(event.name == "exception")
            #expect(event.attributes[key: "exception.type"]?.stringValue == "java.lang.IllegalStateException")
            #expect(event.attributes[key: "exception.message"]?.stringValue?.isEmpty == false)
            #expect(event.attributes[key: "exception.stacktrace"]?.stringValue?.contains("\n\tat com.example.demo.SimulateController.simulate") == true)
            #expect(item.span.startTimeUnixNano <= event.timeUnixNano && event.timeUnixNano <= item.span.endTimeUnixNano)
        }
        let node = t.spans.filter { $0.service == .node }
        #expect(node.count == 2)
        #expect(node.allSatisfy { $0.span.status.code == .error && int("http.status_code", $0) == 500 })
    }

    @Test func timeoutFlowEndsTheClientSpanWithATimeoutWhileTheServerSpanOutlivesIt() throws {
        let t = trace(.timeout)
        let client = try #require(only(.client, of: .node, in: t).first)
        let demo = try #require(only(.server, of: .demo, in: t).first)
        #expect(demo.span.parentSpanID == client.span.spanID)
        #expect(client.span.status.code == .error)
        #expect(client.span.status.message.contains("timeout"))
        #expect(client.span.events.first?.attributes[key: "exception.message"]?.stringValue == client.span.status.message)
        #expect(int("http.status_code", client) == nil)
        #expect(demo.span.endTimeUnixNano > client.span.endTimeUnixNano)
        #expect(client.span.durationNanos >= 5_000_000_000)
        let root = try #require(rootOf(t))
        #expect(int("http.status_code", root) == 504)
        #expect(root.span.status.code == .error)
        #expect(root.span.endTimeUnixNano < demo.span.endTimeUnixNano)
    }

    @Test func slowFlowSpendsItsSecondsInDemoService() throws {
        let t = trace(.slow)
        let controller = try #require(only(.internal, of: .demo, in: t).first)
        let root = try #require(rootOf(t))
        #expect(controller.span.durationNanos >= 1_000_000_000)
        #expect(root.span.durationNanos - controller.span.durationNanos < 100_000_000)
        #expect(t.spans.allSatisfy { $0.span.status.code == .unset })
    }

    @Test(arguments: [(DemoFlow.nodeHealth, DemoService.node, "/health"), (.demoHealth, .demo, "/actuator/health")])
    func healthChecksAreSingleServerSpansWithTheirRoute(flow: DemoFlow, service: DemoService, route: String) throws {
        let t = trace(flow)
        let only = try #require(t.spans.first)
        #expect(t.spans.count == 1)
        #expect((only.service, only.span.kind, only.span.name) == (service, .server, "GET \(route)"))
        #expect(string("http.route", only) == route)
        #expect(string(service == .node ? "http.user_agent" : "user_agent.original", only)?.hasPrefix("kube-probe/") == true)
    }

    @Test func nodeSpansUseTheOlderHTTPConventionsAndJavaSpansTheStableOnes() {
        var generator = DemoTraceGenerator(seed: 11)
        let spans = (0..<200).flatMap { _ in generator.next(endingAt: end).spans }
        let http = spans.filter { $0.span.kind != .internal }
        for item in http where item.service == .node {
            #expect(string("http.method", item) != nil && string("http.url", item) != nil && string("http.target", item) != nil)
            #expect(string("http.request.method", item) == nil)
        }
        for item in http where item.service == .demo {
            #expect(string("http.request.method", item) != nil && string("network.protocol.version", item) == "1.1" && string("server.address", item) != nil)
            #expect(string("http.method", item) == nil)
        }
        #expect(http.filter { $0.span.kind == .server }.allSatisfy { string("http.route", $0) != nil })
        #expect(http.filter { $0.service == .demo && $0.span.kind == .server }.allSatisfy { string("url.path", $0) != nil && int("http.response.status_code", $0) != nil })
    }

    @Test func resourcesCarryEachAgentsSDKProcessAndKubernetesAttributes() {
        let common = ["service.name", "service.version", "telemetry.sdk.name", "telemetry.sdk.version", "process.pid", "process.runtime.name",
                      "process.runtime.version", "process.runtime.description", "host.name", "host.arch", "os.type",
                      "k8s.namespace.name", "k8s.pod.name", "k8s.deployment.name", "k8s.node.name", "k8s.container.name"]
        for service in DemoService.allCases {
            for pod in service.pods {
                let attributes = pod.resource.attributes
                #expect(common.allSatisfy { attributes[key: $0] != nil })
                #expect(pod.resource.serviceName == service.name)
                #expect(attributes[key: "k8s.namespace.name"]?.stringValue == service.name)
                #expect(attributes[key: "k8s.pod.name"]?.stringValue == pod.name)
                #expect(attributes[key: "telemetry.sdk.language"]?.stringValue == (service == .node ? "nodejs" : "java"))
                #expect((attributes[key: "telemetry.distro.name"] != nil) == (service == .demo))
            }
        }
    }

    @Test func sameSeedGivesTheSameTracesAndAnotherSeedOthers() {
        var a = DemoTraceGenerator(seed: 42)
        var b = DemoTraceGenerator(seed: 42)
        var c = DemoTraceGenerator(seed: 43)
        let first = (0..<50).map { _ in a.next(endingAt: end) }
        #expect(first == (0..<50).map { _ in b.next(endingAt: end) })
        #expect(first != (0..<50).map { _ in c.next(endingAt: end) })
    }

    @Test func everyTraceEndsAtTheAskedTime() {
        var generator = DemoTraceGenerator(seed: 9)
        for flow in DemoFlow.allCases {
            let t = generator.trace(of: flow, endingAt: end)
            #expect(t.endNanos == end)
            #expect(t.spans.flatMap(\.span.events).allSatisfy { $0.timeUnixNano <= end && $0.timeUnixNano >= t.startNanos })
        }
    }

    @Test func flowsAreMixedByWeightWithGreetingsTheMostCommon() {
        var generator = DemoTraceGenerator(seed: 1)
        var counts: [DemoFlow: Int] = [:]
        for _ in 0..<5_000 { counts[generator.next(endingAt: end).flow, default: 0] += 1 }
        #expect(Set(counts.keys) == Set(DemoFlow.allCases))
        #expect(counts[.greeting, default: 0] > 5_000 / 2)
        #expect(DemoFlow.allCases.filter { $0 != .greeting }.allSatisfy { counts[$0, default: 0] < counts[.greeting, default: 0] / 3 })
    }

    @Test func batchGroupsSpansByPodAndScopeWithEveryServicesResource() {
        var generator = DemoTraceGenerator(seed: 2)
        let spans = (0..<40).flatMap { _ in generator.next(endingAt: end).spans }
        let batch = TraceBatch(demoSpans: spans)
        #expect(batch.spanCount == spans.count)
        #expect(Set(batch.resourceSpans.map(\.resource)).count == batch.resourceSpans.count)
        for resourceSpans in batch.resourceSpans {
            #expect(Set(resourceSpans.scopeSpans.map(\.scope)).count == resourceSpans.scopeSpans.count)
        }
        #expect(Set(batch.flattened.map(\.span)) == Set(spans.map(\.span)))
        #expect(batch.flattened.allSatisfy { item in spans.contains { $0.span == item.span && $0.pod.resource == item.resource && $0.scope == item.scope } })
    }
}
