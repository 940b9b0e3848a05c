import TrellisModel

/// Evaluates a validated `TraceQuery` on spans: the one definition of "matches" that the ring,
/// the archive (after its index narrowed the candidates) and the combined store share.
package struct TraceMatcher: Sendable {
    package let query: TraceQuery

    package init(query: TraceQuery) {
        self.query = query
    }

    /// Could a group of spans with this summary hold a matching span? False only when none can.
    func mayMatch(_ key: SpanGroupKey, _ summary: SpanGroupSummary) -> Bool {
        guard key.service == query.service else { return false }
        if let operation = query.operation, key.operation != operation { return false }
        if let kind = query.spanKind, key.kind != kind { return false }
        if let start = query.start, summary.maxStart < start { return false }
        if let end = query.end, summary.minStart > end { return false }
        if let minDuration = query.minDuration, summary.maxDuration < minDuration { return false }
        if let maxDuration = query.maxDuration, summary.minDuration > maxDuration { return false }
        return true
    }

    /// Could a trace with these indexed attribute values (every value of `indexedKeys` its spans
    /// and resources have) hold a matching span? False only when a filter on an indexed key
    /// matches none of them: a value a filter can match is a scalar, and every scalar is indexed.
    func mayMatch(indexedAttributes: [IndexedAttribute], indexedKeys: Set<String>) -> Bool {
        query.attributes.allSatisfy { filter in
            !indexedKeys.contains(filter.key)
                || indexedAttributes.contains { $0.key == filter.key && filter.matches($0.value.attributeValue) }
        }
    }

    /// The start time of the latest matching span in the batches, or nil when none matches.
    package func latestMatchingStart(in batches: [TraceBatch]) -> UInt64? {
        var best: UInt64?
        for batch in batches {
            for rs in batch.resourceSpans where rs.resource.serviceName == query.service {
                for ss in rs.scopeSpans {
                    for span in ss.spans where matches(span, resource: rs.resource) {
                        if best.map({ span.startTimeUnixNano > $0 }) ?? true { best = span.startTimeUnixNano }
                    }
                }
            }
        }
        return best
    }

    /// Every condition except the service, which the caller checked on the resource.
    func matches(_ span: Span, resource: Resource) -> Bool {
        if let operation = query.operation, span.name != operation { return false }
        if let kind = query.spanKind, span.kind != kind { return false }
        if let start = query.start, span.startTimeUnixNano < start { return false }
        if let end = query.end, span.startTimeUnixNano > end { return false }
        let duration = span.durationNanos
        if let minDuration = query.minDuration, duration < minDuration { return false }
        if let maxDuration = query.maxDuration, duration > maxDuration { return false }
        for filter in query.attributes {
            let onSpan = span.attributes.contains { $0.key == filter.key && filter.matches($0.value) }
            if !onSpan && !resource.attributes.contains(where: { $0.key == filter.key && filter.matches($0.value) }) {
                return false
            }
        }
        return true
    }
}
