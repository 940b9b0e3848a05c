/// Builds the spans of one demo request hop by hop, with times in nanoseconds from the moment
/// the first request arrives (0): each server does some framework work, its handler, maybe a
/// call to the other service across the network, and answers.
struct DemoTraceBuilder {
    /// node-service's axios timeout on its calls to demo-service.
    static let clientTimeout: UInt64 = 5_000_000_000
    /// Where requests from outside the cluster come from (an in-cluster traffic script).
    static let outsideCaller = DemoExchange.Peer(ip: "10.244.0.9", port: 0, userAgent: "curl/8.5.0")
    /// Where the kubelet's probes come from (the node's address on the kind network).
    static let kubelet = DemoExchange.Peer(ip: "172.18.0.3", port: 0, userAgent: "kube-probe/1.31")

    /// W3C "sampled" plus OTLP's HAS_IS_REMOTE flag, and IS_REMOTE for spans whose parent came over HTTP.
    private static let localParentFlags: UInt32 = 0x101
    private static let remoteParentFlags: UInt32 = 0x301

    let traceID: TraceID
    var random: SplitMix64
    private(set) var spans: [DemoSpan] = []

    init(random: SplitMix64) {
        var random = random
        traceID = TraceID(high: random.next() | 1, low: random.next())
        self.random = random
    }

    /// A request from `caller` (outside the services) to `service`.
    mutating func request(_ action: DemoAction, to service: DemoService, from caller: DemoExchange.Peer) {
        var exchange = DemoExchange(action, to: service, from: DemoExchange.Peer(ip: caller.ip, port: ephemeralPort(), userAgent: caller.userAgent))
        _ = serve(action, exchange: &exchange, parent: .none, start: 0)
    }

    /// Serves `exchange` on a pod of its server from `start`; fills in its status and returns
    /// when the server span ends.
    private mutating func serve(_ action: DemoAction, exchange: inout DemoExchange, parent: SpanID, start: UInt64) -> UInt64 {
        let service = exchange.server
        let pod = service.pods[Int(random.next() % UInt64(service.pods.count))]
        let spanID = newSpanID()
        var cursor = start + DemoLatency.framework.draw(using: &random)
        var status = 200
        var events: [SpanEvent] = []
        switch (service, action) {
        case (.node, .health):
            cursor += DemoLatency.probe.draw(using: &random)
            exchange.responseLength = 15
        case (.node, .chain(let depth)) where depth <= 1:
            cursor += DemoLatency.handler.draw(using: &random)
            exchange.responseLength = 38
        case (.node, _):
            let answer = call(action.forwarded, from: pod, to: .demo, scope: DemoScopes.nodeHTTP, parent: spanID, start: cursor)
            cursor = answer.end
            status = answer.status.map { $0 >= 500 ? 500 : 200 } ?? 504
            exchange.responseLength = answer.status == 200 ? answer.length + 20 : 52
        case (.demo, .health):
            cursor += DemoLatency.actuator.draw(using: &random)
            exchange.responseLength = 15
        case (.demo, _):
            let handled = handle(action, on: pod, parent: spanID, start: cursor)
            cursor = handled.end
            status = handled.exception == nil ? 200 : 500
            events = handled.exception.map { [$0] } ?? []
            exchange.responseLength = handled.exception == nil ? 36 : 108
        }
        cursor += DemoLatency.framework.draw(using: &random)
        exchange.status = status
        var attributes = service == .node ? exchange.nodeServerAttributes(pod: pod) : exchange.javaServerAttributes
        if service == .demo, status >= 500 {
            attributes.append(Attribute("error.type", .string(events.first?.attributes[key: "exception.type"]?.stringValue ?? String(status))))
        }
        spans.append(DemoSpan(pod: pod, scope: service == .node ? DemoScopes.nodeHTTP : DemoScopes.tomcat, span: Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent,
            flags: parent.isValid ? Self.remoteParentFlags : Self.localParentFlags,
            name: "\(exchange.method) \(exchange.route)", kind: .server, startTimeUnixNano: start, endTimeUnixNano: cursor,
            attributes: attributes, events: events, status: status >= 500 ? SpanStatus(code: .error) : .unset)))
        return cursor
    }

    /// The Spring controller of demo-service: an INTERNAL span, and for a chain the call onwards.
    private mutating func handle(_ action: DemoAction, on pod: DemoPod, parent: SpanID, start: UInt64) -> (end: UInt64, exception: SpanEvent?) {
        let spanID = newSpanID()
        var end = start + DemoLatency.handler.draw(using: &random)
        var exception: SpanEvent?
        switch action {
        case .chain(let depth) where depth > 1:
            let answer = call(action.forwarded, from: pod, to: .node, scope: DemoScopes.javaHTTPClient, parent: spanID, start: end)
            end = answer.end + DemoLatency.framework.draw(using: &random)
        case .simulate(.slow):
            end += DemoLatency.slow.draw(using: &random)
        case .simulate(.timeout):
            end += DemoLatency.hang.draw(using: &random)
        case .simulate(.error):
            exception = DemoExceptions.simulatedFailure(at: end)
        default:
            break
        }
        let controller = action.controller
        spans.append(DemoSpan(pod: pod, scope: DemoScopes.springWebMVC, span: Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent, flags: Self.localParentFlags,
            name: "\(controller.type).\(controller.method)", kind: .internal, startTimeUnixNano: start, endTimeUnixNano: end,
            attributes: [Attribute("code.namespace", .string("com.example.demo.\(controller.type)")),
                         Attribute("code.function", .string(controller.method))],
            events: exception.map { [$0] } ?? [], status: exception == nil ? .unset : SpanStatus(code: .error))))
        return (end, exception)
    }

    /// A CLIENT span from `pod` to `service` and the server side it reaches. node-service's
    /// calls give up after `clientTimeout`, leaving the server to finish alone.
    private mutating func call(_ action: DemoAction, from pod: DemoPod, to service: DemoService, scope: InstrumentationScope,
                               parent: SpanID, start: UInt64) -> (end: UInt64, status: Int?, length: Int) {
        let spanID = newSpanID()
        let caller = DemoExchange.Peer(ip: pod.ip, port: ephemeralPort(), userAgent: pod.service == .node ? "axios/1.7.9" : "Java-http-client/21.0.5")
        var exchange = DemoExchange(action, to: service, from: caller)
        let served = serve(action, exchange: &exchange, parent: spanID, start: start + DemoLatency.network.draw(using: &random))
        var end = served + DemoLatency.network.draw(using: &random)
        var events: [SpanEvent] = []
        var attributes: [Attribute]
        var status = SpanStatus.unset
        if pod.service == .node, end > start + Self.clientTimeout {
            end = start + Self.clientTimeout + DemoLatency.framework.draw(using: &random)
            exchange.status = nil
            let timeout = DemoExceptions.axiosTimeout(at: end, millis: Self.clientTimeout / 1_000_000)
            events = [timeout]
            let message = timeout.attributes[key: "exception.message"]?.stringValue ?? ""
            attributes = exchange.nodeClientAttributes + [Attribute("http.error_name", .string("AxiosError")), Attribute("http.error_message", .string(message))]
            status = SpanStatus(code: .error, message: message)
        } else {
            attributes = pod.service == .node ? exchange.nodeClientAttributes : exchange.javaClientAttributes
            if let code = exchange.status, code >= 400 { status = SpanStatus(code: .error) }
        }
        spans.append(DemoSpan(pod: pod, scope: scope, span: Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent, flags: Self.localParentFlags,
            name: exchange.method, kind: .client, startTimeUnixNano: start, endTimeUnixNano: end,
            attributes: attributes, events: events, status: status)))
        return (end, exchange.status, exchange.responseLength)
    }

    private mutating func newSpanID() -> SpanID {
        SpanID(random.next() | 1)
    }

    private mutating func ephemeralPort() -> Int64 {
        Int64(32768 + random.next() % 28233)
    }
}

private extension DemoAction {
    /// The request a service sends on: the same, one step shorter for a chain.
    var forwarded: DemoAction {
        if case .chain(let depth) = self { return .chain(depth: depth - 1) }
        return self
    }
}
