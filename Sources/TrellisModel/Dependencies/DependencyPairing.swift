/// Turns the spans of successive writes into dependency summaries per time bucket, pairing the
/// two sides of a call even when they arrive in different writes, the way the collector's
/// service-graph connector pairs client and server spans.
///
/// For each write (`add`):
/// - every span counts toward its service's figures (`ServiceActivity`), in the bucket of its start;
/// - a span whose parent is in the same write and belongs to another service is a call from the
///   parent's service (any kinds);
/// - a SERVER or CONSUMER span whose parent is not in the write is paired with a CLIENT or
///   PRODUCER span waiting from an earlier write, or waits for its caller itself;
/// - a CLIENT or PRODUCER span with no callee in the write waits for one;
/// - a call is placed in the bucket of the called span's start.
///
/// A span waits at most `wait` (on the caller's clock) and the pairing holds at most
/// `maxWaiting` waiting spans (the oldest go first). When a CLIENT span's wait ends with no
/// callee, it becomes a call to the uninstrumented peer its attributes name
/// (`ServiceCall.virtualPeerKeys`); any other span whose wait ends unpaired is counted in
/// `unpairedSpans`. With a `wait` of zero nothing waits past its own write.
public struct DependencyPairing: Sendable {
    private struct Key: Hashable, Sendable {
        var trace: TraceID
        var span: SpanID
    }

    /// One side of a call waiting for the other.
    private struct Waiting: Sendable {
        var sequence: UInt64
        var service: String
        /// For a waiting caller: the peer a CLIENT span names; nil for others.
        var peer: String?
        var durationNanos: UInt64
        var isError: Bool
        var startTimeUnixNano: UInt64
    }

    private struct Expiry: Sendable {
        var sequence: UInt64
        var key: Key
        var isCaller: Bool
        var due: Duration
    }

    public let wait: Duration
    public let maxWaiting: Int
    public let bucketNanos: UInt64
    /// Callers (CLIENT, PRODUCER) waiting for their callee, by their own span.
    private var callers: [Key: Waiting] = [:]
    /// Callees (SERVER, CONSUMER) waiting for their caller, by the caller's span.
    private var callees: [Key: [Waiting]] = [:]
    /// Waiting spans in the order they began waiting (their due times are in the same order).
    private var expiries: [Expiry] = []
    private var expiriesHead = 0
    private var nextSequence: UInt64 = 0
    /// Spans waiting now.
    public private(set) var waitingSpans = 0
    /// Spans whose wait ended with no other side (and, for a CLIENT span, no peer to name).
    public private(set) var unpairedSpans = 0

    /// - Parameters:
    ///   - wait: how long one side of a call waits for the other.
    ///   - maxWaiting: the most spans waiting at once.
    ///   - bucketNanos: the width of a time bucket, in nanoseconds (positive).
    public init(wait: Duration, maxWaiting: Int, bucketNanos: UInt64) {
        precondition(bucketNanos > 0, "bucketNanos must be positive")
        self.wait = max(wait, .zero)
        self.maxWaiting = max(0, maxWaiting)
        self.bucketNanos = bucketNanos
    }

    /// The summaries one write adds, per bucket start (Unix nanoseconds, a multiple of
    /// `bucketNanos`): its spans' service figures, its calls, the calls its spans complete for
    /// spans of earlier writes, and what waits that are over at `now` (the caller's clock) add.
    public mutating func add(_ slices: [TraceSlice], now: Duration) -> [UInt64: DependencySummary] {
        var out: [UInt64: DependencySummary] = [:]
        // The write's slices by trace, in order of first appearance: calls are paired within a trace.
        var traces: [TraceID: Int] = [:]
        var groups: [[TraceSlice]] = []
        for slice in slices {
            addFigures(of: slice, into: &out)
            if let g = traces[slice.traceID] {
                groups[g].append(slice)
            } else {
                traces[slice.traceID] = groups.count
                groups.append([slice])
            }
        }
        for group in groups { pair(group, now: now, into: &out) }
        expire(now: now, into: &out)
        return out
    }

    /// A slice's service figures. Its spans share a service and mostly a bucket: they are
    /// gathered apart and added to the write's summaries once per bucket.
    private func addFigures(of slice: TraceSlice, into out: inout [UInt64: DependencySummary]) {
        var activity: [(bucket: UInt64, figures: ServiceActivity)] = []
        for span in slice.summary.spans {
            let b = bucket(span.startTimeUnixNano)
            if let at = activity.lastIndex(where: { $0.bucket == b }) {
                activity[at].figures.record(span)
            } else {
                var figures = ServiceActivity(service: slice.service)
                figures.record(span)
                activity.append((b, figures))
            }
        }
        for (b, figures) in activity { out[b, default: DependencySummary()].merge(figures) }
    }

    /// Pairs the calls among one trace's spans of this write, with the spans of earlier writes
    /// that wait for them, and lets the rest wait.
    private mutating func pair(_ slices: [TraceSlice], now: Duration, into out: inout [UInt64: DependencySummary]) {
        let trace = slices[0].traceID
        var spans: [(facts: SpanFacts, service: String)] = []
        for slice in slices {
            for facts in slice.summary.spans { spans.append((facts, slice.service)) }
        }
        let index = SpanIndex(spans.map(\.facts.spanID))
        var hasCallee = [Bool](repeating: false, count: spans.count)
        for (i, (span, service)) in spans.enumerated() {
            // Callees of earlier writes that waited for this span.
            if !callees.isEmpty, let waiting = callees.removeValue(forKey: Key(trace: trace, span: span.spanID)) {
                waitingSpans -= waiting.count
                for callee in waiting where callee.service != service {
                    record(caller: service, callee, into: &out)
                }
                hasCallee[i] = true
            }
            guard span.parentSpanID.isValid else { continue }
            let parentKey = Key(trace: trace, span: span.parentSpanID)
            if let parent = index.position(of: span.parentSpanID) {
                hasCallee[parent] = true
                if spans[parent].service != service { record(caller: spans[parent].service, Self.side(span, service: service, sequence: 0), into: &out) }
            } else if !callers.isEmpty, let caller = callers.removeValue(forKey: parentKey) {
                waitingSpans -= 1
                if caller.service != service { record(caller: caller.service, Self.side(span, service: service, sequence: 0), into: &out) }
            } else if span.kind == .server || span.kind == .consumer {
                callees[parentKey, default: []].append(Self.side(span, service: service, sequence: nextSequence))
                startWaiting(parentKey, isCaller: false, now: now)
            }
        }
        for (i, (span, service)) in spans.enumerated() where !hasCallee[i] && (span.kind == .client || span.kind == .producer) {
            let key = Key(trace: trace, span: span.spanID)
            var caller = Self.side(span, service: service, sequence: nextSequence)
            caller.peer = span.peer
            callers[key] = caller
            startWaiting(key, isCaller: true, now: now)
        }
    }

    /// Where a span ID first stands among one trace's spans: a scan for the few spans a trace
    /// usually brings in one write, a dictionary for more.
    private struct SpanIndex {
        private let ids: [SpanID]
        private let positions: [SpanID: Int]?

        init(_ ids: [SpanID]) {
            self.ids = ids
            positions = ids.count > 32 ? Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }) : nil
        }

        func position(of id: SpanID) -> Int? {
            if let positions { return positions[id] }
            return ids.firstIndex(of: id)
        }
    }

    /// Ends every wait now (at shutdown): the summaries that adds, per bucket start.
    public mutating func endWaits() -> [UInt64: DependencySummary] {
        var out: [UInt64: DependencySummary] = [:]
        expire(now: nil, into: &out)
        return out
    }

    private static func side(_ span: SpanFacts, service: String, sequence: UInt64) -> Waiting {
        Waiting(sequence: sequence, service: service, peer: nil, durationNanos: span.durationNanos,
                isError: span.isError, startTimeUnixNano: span.startTimeUnixNano)
    }

    private func bucket(_ start: UInt64) -> UInt64 { start - start % bucketNanos }

    private func record(caller: String, _ callee: Waiting, into out: inout [UInt64: DependencySummary]) {
        out[bucket(callee.startTimeUnixNano), default: DependencySummary()].record(ServiceCall(
            parent: caller, child: callee.service, durationNanos: callee.durationNanos, isError: callee.isError,
            startTimeUnixNano: callee.startTimeUnixNano, childIsVirtual: false))
    }

    private mutating func startWaiting(_ key: Key, isCaller: Bool, now: Duration) {
        expiries.append(Expiry(sequence: nextSequence, key: key, isCaller: isCaller, due: now + wait))
        nextSequence += 1
        waitingSpans += 1
    }

    /// Ends the waits due at `now` (all of them when nil), and the oldest beyond `maxWaiting`.
    private mutating func expire(now: Duration?, into out: inout [UInt64: DependencySummary]) {
        while expiriesHead < expiries.count {
            let entry = expiries[expiriesHead]
            let due = now.map { entry.due <= $0 } ?? true
            guard due || waitingSpans > maxWaiting else { break }
            expiriesHead += 1
            if entry.isCaller {
                guard let caller = callers[entry.key], caller.sequence == entry.sequence else { continue }
                callers[entry.key] = nil
                waitingSpans -= 1
                if let peer = caller.peer, peer != caller.service {
                    out[bucket(caller.startTimeUnixNano), default: DependencySummary()].record(ServiceCall(
                        parent: caller.service, child: peer, durationNanos: caller.durationNanos, isError: caller.isError,
                        startTimeUnixNano: caller.startTimeUnixNano, childIsVirtual: true))
                } else {
                    unpairedSpans += 1
                }
            } else {
                guard var waiting = callees[entry.key], let at = waiting.firstIndex(where: { $0.sequence == entry.sequence }) else { continue }
                waiting.remove(at: at)
                callees[entry.key] = waiting.isEmpty ? nil : waiting
                waitingSpans -= 1
                unpairedSpans += 1
            }
        }
        if expiriesHead > 1024 && expiriesHead * 2 > expiries.count {
            expiries.removeFirst(expiriesHead)
            expiriesHead = 0
        }
    }
}
