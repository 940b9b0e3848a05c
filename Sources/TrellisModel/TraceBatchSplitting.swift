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

    /// Splits into batches of at most `maxSpans` spans each without splitting a trace: each
    /// trace goes whole into one batch (a trace of more than `maxSpans` spans gets a batch of its
    /// own), traces fill batches in order of first appearance, and spans keep their resource,
    /// scope and order. A non-positive `maxSpans` means no limit.
    public func splitKeepingTraces(maxSpans: Int) -> [TraceBatch] {
        guard maxSpans > 0, spanCount > maxSpans else { return [self] }
        var spansPerTrace: [TraceID: Int] = [:]
        var order: [TraceID] = []
        for rs in resourceSpans {
            for ss in rs.scopeSpans {
                for span in ss.spans {
                    if spansPerTrace[span.traceID] == nil { order.append(span.traceID) }
                    spansPerTrace[span.traceID, default: 0] += 1
                }
            }
        }
        var part: [TraceID: Int] = [:]
        var parts = 0, filled = 0
        for id in order {
            let count = spansPerTrace[id]!
            if parts == 0 || (filled > 0 && filled + count > maxSpans) {
                parts += 1
                filled = 0
            }
            part[id] = parts - 1
            filled += count
        }
        var out = Array(repeating: TraceBatch(), count: parts)
        for rs in resourceSpans {
            var scoped = Array(repeating: [ScopeSpans](), count: parts)
            for ss in rs.scopeSpans {
                var spansByPart = Array(repeating: [Span](), count: parts)
                for span in ss.spans { spansByPart[part[span.traceID]!].append(span) }
                for (p, spans) in spansByPart.enumerated() where !spans.isEmpty {
                    scoped[p].append(ScopeSpans(scope: ss.scope, spans: spans, schemaURL: ss.schemaURL))
                }
            }
            for (p, scopes) in scoped.enumerated() where !scopes.isEmpty {
                out[p].resourceSpans.append(ResourceSpans(resource: rs.resource, scopeSpans: scopes, schemaURL: rs.schemaURL))
            }
        }
        return out
    }
}
