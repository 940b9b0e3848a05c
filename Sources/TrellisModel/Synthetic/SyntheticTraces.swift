/// Builds realistic traces for load generation and benchmarks: HTTP server and client spans
/// with the attributes OpenTelemetry's HTTP semantic conventions give them (about ten a span),
/// under resources shaped like an auto-instrumented Kubernetes service.
public struct SyntheticTraces: Sendable {
    /// Attributes per span beyond the HTTP core set (each a short string).
    public var extraAttributes: Int
    /// Spans per trace: one SERVER root, then CLIENT/SERVER pairs below it.
    public var spansPerTrace: Int

    private static let services = ["node-service", "demo-service", "checkout", "inventory", "payments"]
    private static let routes = ["/api/greeting", "/api/chain", "/api/simulate", "/api/users/{id}", "/api/orders"]
    private static let methods = ["GET", "POST", "GET", "GET", "PUT"]

    public init(spansPerTrace: Int = 5, extraAttributes: Int = 0) {
        self.spansPerTrace = max(1, spansPerTrace)
        self.extraAttributes = max(0, extraAttributes)
    }

    /// The resource of an auto-instrumented pod of `service`.
    public static func resource(service: String, pod: Int) -> Resource {
        Resource(attributes: [
            Attribute("service.name", .string(service)),
            Attribute("service.version", .string("1.4.2")),
            Attribute("telemetry.sdk.language", .string("nodejs")),
            Attribute("telemetry.sdk.name", .string("opentelemetry")),
            Attribute("telemetry.sdk.version", .string("1.30.1")),
            Attribute("host.name", .string("\(service)-7d9f8b6c4-\(pod)")),
            Attribute("k8s.namespace.name", .string(service)),
            Attribute("k8s.pod.name", .string("\(service)-7d9f8b6c4-\(pod)")),
        ])
    }

    /// One request of `spanCount` spans: a batch grouping them by service.
    /// IDs come from `random`; times start at `startNanos`.
    public func request(spanCount: Int, startNanos: UInt64, random: inout SplitMix64) -> TraceBatch {
        var byService: [Int: [Span]] = [:]
        var produced = 0
        var clock = startNanos
        while produced < spanCount {
            let traceID = TraceID(high: random.next() | 1, low: random.next())
            let routeIndex = Int(random.next() % UInt64(Self.routes.count))
            var parent = SpanID.none
            let count = min(spansPerTrace, spanCount - produced)
            for i in 0..<count {
                let service = (i + 1) / 2 % Self.services.count
                let isClient = i % 2 == 1
                let spanID = SpanID(random.next() | 1)
                let duration = 200_000 + random.next() % 40_000_000
                var span = Span(
                    traceID: traceID, spanID: spanID, parentSpanID: parent, flags: 0x301,
                    name: isClient ? Self.methods[routeIndex] : "\(Self.methods[routeIndex]) \(Self.routes[routeIndex])",
                    kind: isClient ? .client : .server,
                    startTimeUnixNano: clock + UInt64(i) * 100_000, endTimeUnixNano: clock + UInt64(i) * 100_000 + duration,
                    attributes: attributes(route: routeIndex, client: isClient, random: &random))
                if random.next() % 50 == 0 { span.status = SpanStatus(code: .error, message: "HTTP 500") }
                byService[service, default: []].append(span)
                parent = spanID
                produced += 1
            }
            clock += 1_000_000
        }
        return TraceBatch(resourceSpans: byService.keys.sorted().map { service in
            ResourceSpans(
                resource: Self.resource(service: Self.services[service], pod: service),
                scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "@opentelemetry/instrumentation-http", version: "0.57.1"), spans: byService[service]!)],
                schemaURL: "https://opentelemetry.io/schemas/1.24.0")
        })
    }

    private func attributes(route: Int, client: Bool, random: inout SplitMix64) -> [Attribute] {
        let status: Int64 = random.next() % 50 == 0 ? 500 : 200
        var out: [Attribute] = [
            Attribute("http.request.method", .string(Self.methods[route])),
            Attribute("url.scheme", .string("http")),
            Attribute("server.address", .string(client ? "demo-service" : "node-service")),
            Attribute("server.port", .int(client ? 8080 : 3000)),
            Attribute("http.response.status_code", .int(status)),
            Attribute("network.protocol.version", .string("1.1")),
        ]
        if client {
            out.append(Attribute("url.full", .string("http://demo-service:8080\(Self.routes[route])?id=\(random.next() % 10_000)")))
            out.append(Attribute("network.peer.address", .string("10.42.0.\(random.next() % 250)")))
            out.append(Attribute("http.request.resend_count", .int(0)))
            out.append(Attribute("peer.service", .string("demo-service")))
        } else {
            out.append(Attribute("http.route", .string(Self.routes[route])))
            out.append(Attribute("url.path", .string(Self.routes[route])))
            out.append(Attribute("client.address", .string("10.42.1.\(random.next() % 250)")))
            out.append(Attribute("user_agent.original", .string("curl/8.5.0")))
        }
        for i in 0..<extraAttributes {
            out.append(Attribute("app.attr\(i)", .string("value-\(random.next() % 1000)")))
        }
        return out
    }
}
