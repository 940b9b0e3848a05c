import TrellisModel

/// Where the time goes for an endpoint: the critical paths of many traces of one service and
/// operation, aggregated. In each trace the endpoint is its longest span of that service and
/// operation, and its critical path is taken over that span's subtree only (what called the
/// endpoint is not the endpoint's latency). For each operation that sits on the paths: in how
/// many traces it does, and its share of the endpoint's latency (its time on the path over the
/// endpoint span's duration), as the median and the 95th percentile over the traces it is on.
/// Operations are ordered by median share, largest first. Served by
/// `GET /api/endpoints/critical-path` and shown at `/endpoint`.
public struct EndpointBreakdown: Encodable, Sendable, Hashable {
    /// One operation's part in the endpoint's latency.
    public struct Part: Encodable, Sendable, Hashable {
        public var service: String
        public var operation: String
        /// The number of traces whose critical path it is on.
        public var traces: Int
        /// The median and the 95th percentile of its share of the trace's duration, 0 to 1.
        public var shareP50: Double
        public var shareP95: Double
    }

    /// A trace of the slowest tenth, as an example.
    public struct Example: Encodable, Sendable, Hashable {
        public var traceID: String
        /// The endpoint span's duration, microseconds.
        public var duration: UInt64
    }

    public var service: String
    public var operation: String
    /// The traces looked at.
    public var traces: Int
    public var parts: [Part]
    /// Up to five of the slowest tenth of the traces, slowest first.
    public var slowest: [Example]

    /// - Parameter durations: when given, the endpoint span is the longest of those whose
    ///   duration (ns) lies in it, and a trace with none is left out.
    public init(service: String, operation: String, durations durationRange: ClosedRange<UInt64>? = nil, traces batches: [TraceBatch]) {
        var shares: [String: (service: String, operation: String, values: [Double])] = [:]
        var durations: [(traceID: String, duration: UInt64)] = []
        for batch in batches {
            guard let endpoint = Self.endpointSubtree(of: batch, service: service, operation: operation, durations: durationRange),
                  let path = CriticalPath(trace: endpoint.spans) else { continue }
            durations.append((path.traceID, endpoint.duration))
            var perOperation: [String: (service: String, operation: String, time: UInt64)] = [:]
            for span in path.spans {
                let key = span.service + "\u{0}" + span.name
                perOperation[key, default: (span.service, span.name, 0)].time += span.selfTimeOnPath
            }
            for (key, part) in perOperation {
                // Children that overflow the endpoint span could sum past its duration: a share is at most the whole.
                shares[key, default: (part.service, part.operation, [])].values.append(min(1, Double(part.time) / Double(max(endpoint.duration, 1))))
            }
        }
        self.service = service
        self.operation = operation
        traces = durations.count
        parts = shares.values.map { entry in
            let sorted = entry.values.sorted()
            return Part(service: entry.service, operation: entry.operation, traces: sorted.count,
                        shareP50: Self.rank(sorted, 0.5), shareP95: Self.rank(sorted, 0.95))
        }.sorted { ($1.shareP50, $0.service, $0.operation) < ($0.shareP50, $1.service, $1.operation) }
        let bySlowness = durations.sorted { ($1.duration, $0.traceID) < ($0.duration, $1.traceID) }
        slowest = bySlowness.prefix(min(5, max(1, bySlowness.count / 10))).map { Example(traceID: $0.traceID, duration: $0.duration) }
    }

    /// The longest span of `service` and `operation` in `batch` whose duration lies in
    /// `durations` (ties: the lower span ID) with every span under it, and its duration in whole
    /// microseconds; nil when no span matches.
    static func endpointSubtree(of batch: TraceBatch, service: String, operation: String, durations: ClosedRange<UInt64>?) -> (spans: TraceBatch, duration: UInt64)? {
        var children: [SpanID: [SpanID]] = [:]
        var endpoint: Span?
        for (resource, _, span) in batch.flattened {
            if span.parentSpanID.isValid { children[span.parentSpanID, default: []].append(span.spanID) }
            guard span.name == operation, resource.serviceName == service, durations?.contains(span.durationNanos) ?? true else { continue }
            if let best = endpoint, (best.durationNanos, span.spanID) >= (span.durationNanos, best.spanID) { continue }
            endpoint = span
        }
        guard let endpoint else { return nil }
        var kept: Set<SpanID> = [endpoint.spanID]
        var pending = [endpoint.spanID]
        while let next = pending.popLast() {
            for child in children[next] ?? [] where kept.insert(child).inserted { pending.append(child) }
        }
        let resourceSpans = batch.resourceSpans.compactMap { rs -> ResourceSpans? in
            let scopes = rs.scopeSpans.compactMap { ss -> ScopeSpans? in
                let spans = ss.spans.filter { kept.contains($0.spanID) }
                return spans.isEmpty ? nil : ScopeSpans(scope: ss.scope, spans: spans, schemaURL: ss.schemaURL)
            }
            return scopes.isEmpty ? nil : ResourceSpans(resource: rs.resource, scopeSpans: scopes, schemaURL: rs.schemaURL)
        }
        return (TraceBatch(resourceSpans: resourceSpans), endpoint.durationNanos / 1_000)
    }

    /// The nearest-rank percentile of sorted values, rounded to three decimals.
    private static func rank(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return (sorted[Int(NearestRank.of(q, count: UInt64(sorted.count))) - 1] * 1000).rounded() / 1000
    }
}
