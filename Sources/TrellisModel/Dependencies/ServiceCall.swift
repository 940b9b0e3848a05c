/// One call from a span of one service to a span of another, as the dependency graph counts it.
public struct ServiceCall: Hashable, Sendable {
    /// The calling service.
    public var parent: String
    /// The called service, or for an uninstrumented peer the name the caller gave it.
    public var child: String
    /// The duration of the called span (for a virtual child, of the caller's CLIENT span).
    public var durationNanos: UInt64
    /// Whether the called span (or the CLIENT span of a virtual child) ended in error.
    public var isError: Bool
    /// The start of the called span, in Unix nanoseconds: it places the call in a time bucket.
    public var startTimeUnixNano: UInt64
    /// Whether the child is an uninstrumented peer (a database, an external API) named after the
    /// caller's `peer.service`, `server.address`, `net.peer.name` or `db.system` attribute.
    public var childIsVirtual: Bool

    public init(parent: String, child: String, durationNanos: UInt64, isError: Bool, startTimeUnixNano: UInt64, childIsVirtual: Bool) {
        self.parent = parent
        self.child = child
        self.durationNanos = durationNanos
        self.isError = isError
        self.startTimeUnixNano = startTimeUnixNano
        self.childIsVirtual = childIsVirtual
    }
}

extension ServiceCall {
    /// The attributes that name an uninstrumented peer of a CLIENT span, most specific first.
    public static let virtualPeerKeys = ["peer.service", "server.address", "net.peer.name", "db.system"]

    /// The calls among the spans of a batch: a span whose parent (in the same batch) belongs to
    /// another service is a call from the parent's service; a CLIENT span with no child in the
    /// batch is a call to the virtual peer its attributes name. A batch holding whole traces (as
    /// the tail sampler forwards them) yields every call; a parent in another batch is not seen.
    public static func calls(in batch: TraceBatch) -> [ServiceCall] {
        // Where each span is in the batch (resource, scope, span), rather than a copy of it.
        struct Placed {
            var resource: Int
            var scope: Int
            var span: Int
        }
        let services = batch.resourceSpans.map(\.resource.serviceName)
        var byID: [SpanKey: Placed] = [:]
        var hasChild: Set<SpanKey> = []
        byID.reserveCapacity(batch.spanCount)
        hasChild.reserveCapacity(batch.spanCount)
        for (r, rs) in batch.resourceSpans.enumerated() {
            for (s, ss) in rs.scopeSpans.enumerated() {
                for (i, span) in ss.spans.enumerated() {
                    byID[SpanKey(trace: span.traceID, span: span.spanID)] = Placed(resource: r, scope: s, span: i)
                    if span.parentSpanID.isValid { hasChild.insert(SpanKey(trace: span.traceID, span: span.parentSpanID)) }
                }
            }
        }
        var calls: [ServiceCall] = []
        for (key, placed) in byID {
            let span = batch.resourceSpans[placed.resource].scopeSpans[placed.scope].spans[placed.span]
            let service = services[placed.resource]
            if span.parentSpanID.isValid, let parent = byID[SpanKey(trace: span.traceID, span: span.parentSpanID)],
               services[parent.resource] != service {
                calls.append(ServiceCall(parent: services[parent.resource], child: service, durationNanos: span.durationNanos,
                                         isError: span.status.code == .error, startTimeUnixNano: span.startTimeUnixNano, childIsVirtual: false))
            }
            if span.kind == .client, !hasChild.contains(key), let peer = virtualPeer(of: span), peer != service {
                calls.append(ServiceCall(parent: service, child: peer, durationNanos: span.durationNanos,
                                         isError: span.status.code == .error, startTimeUnixNano: span.startTimeUnixNano, childIsVirtual: true))
            }
        }
        return calls
    }

    /// The name a CLIENT span gives its peer, from `virtualPeerKeys`.
    public static func virtualPeer(of span: Span) -> String? {
        for key in virtualPeerKeys {
            if let name = span.attributes[key: key]?.stringValue, !name.isEmpty { return name }
        }
        return nil
    }

    private struct SpanKey: Hashable {
        var trace: TraceID
        var span: SpanID
    }
}
