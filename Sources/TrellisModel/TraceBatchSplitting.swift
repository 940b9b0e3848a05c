extension TraceBatch {
    /// One batch holding every batch's resource spans, in order.
    public static func merging(_ batches: [TraceBatch]) -> TraceBatch {
        guard batches.count != 1 else { return batches.first ?? TraceBatch() }
        return TraceBatch(resourceSpans: batches.flatMap(\.resourceSpans))
    }

    /// Splits into batches of at most `maxSpans` spans each, keeping each span under its
    /// resource and scope and the spans in order. A non-positive `maxSpans` means no limit.
    public func split(maxSpans: Int) -> [TraceBatch] {
        guard maxSpans > 0, spanCount > maxSpans else { return [self] }
        var out: [TraceBatch] = []
        var current: [ResourceSpans] = []
        var room = maxSpans
        for rs in resourceSpans {
            for ss in rs.scopeSpans {
                var spans = ss.spans[...]
                while !spans.isEmpty {
                    let take = spans.prefix(room)
                    spans = spans.dropFirst(take.count)
                    let piece = ScopeSpans(scope: ss.scope, spans: Array(take), schemaURL: ss.schemaURL)
                    if let last = current.last, last.resource == rs.resource, last.schemaURL == rs.schemaURL {
                        current[current.count - 1].scopeSpans.append(piece)
                    } else {
                        current.append(ResourceSpans(resource: rs.resource, scopeSpans: [piece], schemaURL: rs.schemaURL))
                    }
                    room -= take.count
                    if room == 0 {
                        out.append(TraceBatch(resourceSpans: current))
                        current = []
                        room = maxSpans
                    }
                }
            }
        }
        if !current.isEmpty { out.append(TraceBatch(resourceSpans: current)) }
        return out
    }
}
