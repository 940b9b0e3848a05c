import TrellisModel

/// Where the time goes for an endpoint: the critical paths of many traces of one service and
/// operation, aggregated. For each operation that sits on the paths: in how many traces it does,
/// and its share of the trace's latency (its time on the path over the trace's duration), as the
/// median and the 95th percentile over the traces it is on. Operations are ordered by median
/// share, largest first. Served by `GET /api/endpoints/critical-path` and shown at `/endpoint`.
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
        /// Microseconds.
        public var duration: UInt64
    }

    public var service: String
    public var operation: String
    /// The traces looked at.
    public var traces: Int
    public var parts: [Part]
    /// Up to five of the slowest tenth of the traces, slowest first.
    public var slowest: [Example]

    public init(service: String, operation: String, traces batches: [TraceBatch]) {
        var shares: [String: (service: String, operation: String, values: [Double])] = [:]
        var durations: [(traceID: String, duration: UInt64)] = []
        for batch in batches {
            guard let path = CriticalPath(trace: batch), let timeline = Timeline(trace: batch) else { continue }
            durations.append((timeline.traceID, timeline.duration))
            var perOperation: [String: (service: String, operation: String, time: UInt64)] = [:]
            for span in path.spans {
                let key = span.service + "\u{0}" + span.name
                perOperation[key, default: (span.service, span.name, 0)].time += span.selfTimeOnPath
            }
            for (key, part) in perOperation {
                // Roots that overlap in time could sum past the duration: a share is at most the whole.
                shares[key, default: (part.service, part.operation, [])].values.append(min(1, Double(part.time) / Double(max(timeline.duration, 1))))
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

    /// The nearest-rank percentile of sorted values, rounded to three decimals.
    private static func rank(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return (sorted[Int(NearestRank.of(q, count: UInt64(sorted.count))) - 1] * 1000).rounded() / 1000
    }
}
