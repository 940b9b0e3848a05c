/// The spans of one trace that one resource sent in one request: the unit every pipeline stage
/// and the store hand on, made once when a request is decoded (`slices(of:indexedKeys:)`, the
/// one split by trace) and never regrouped.
///
/// Its spans are model values until a stage that holds them for long encodes them
/// (`EncodedScopeSpans`, OTLP protobuf: about their wire size); from then on they travel
/// encoded, and the store keeps those same bytes. What stages ask about the spans —
/// counts, bounds, errors, the root, per-operation bounds, the facts of each call, the values of
/// indexed attributes — is in `summary`, computed once, so no stage walks the spans again.
/// The resource and scopes are copy-on-write values shared with the other slices of the request.
public struct TraceSlice: Sendable {
    /// A slice's spans: model values, or encoded.
    public enum Spans: Sendable {
        case model([ScopeSpans])
        case encoded([EncodedScopeSpans])
    }

    public let traceID: TraceID
    /// The spans under their resource and scopes: what a store keeps of a slice.
    public private(set) var content: SliceContent
    /// The resource's `service.name` (`unknown_service` without one).
    public let service: String
    public let summary: SliceSummary
    /// Heap bytes the slice holds beyond what it shares with its request: the model spans'
    /// `footprintBytes`, or once encoded, the encoded bytes and the arrays around them.
    public private(set) var footprintBytes: Int

    public var resource: Resource { content.resource }
    public var resourceSchemaURL: String { content.resourceSchemaURL }
    public var spans: Spans { content.spans }

    /// A slice of model spans, summarised.
    public init(traceID: TraceID, resource: Resource, resourceSchemaURL: String, scopes: [ScopeSpans], indexedKeys: IndexedKeys) {
        self.traceID = traceID
        content = SliceContent(resource: resource, resourceSchemaURL: resourceSchemaURL, spans: .model(scopes))
        service = resource.serviceName
        summary = SliceSummary(resource: resource, scopes: scopes, indexedKeys: indexedKeys)
        footprintBytes = scopes.reduce(32) { total, scope in
            total + MemoryLayout<ScopeSpans>.stride + scope.spans.reduce(32) { $0 + $1.footprintBytes }
        }
    }

    /// The same slice with its spans in their encoded form (from `TrellisCodec`'s slice encoding).
    public func replacingSpans(with encoded: [EncodedScopeSpans]) -> TraceSlice {
        var copy = self
        copy.content.spans = .encoded(encoded)
        copy.footprintBytes = encoded.reduce(32) { $0 + $1.footprintBytes }
        return copy
    }

    /// Splits the spans of a request by trace: one slice per (resource, trace), in the order
    /// traces first appear under each resource, spans kept in order under their scopes.
    /// `indexedKeys` are the attribute keys whose values the summaries collect.
    public static func slices(of batch: TraceBatch, indexedKeys: IndexedKeys) -> [TraceSlice] {
        var out: [TraceSlice] = []
        for rs in batch.resourceSpans {
            let scopes = rs.scopeSpans.filter { !$0.spans.isEmpty }
            // A resource whose spans all belong to one trace is one slice, with no grouping.
            if let first = scopes.first?.spans.first?.traceID,
               scopes.allSatisfy({ $0.spans.allSatisfy { $0.traceID == first } }) {
                out.append(TraceSlice(traceID: first, resource: rs.resource, resourceSchemaURL: rs.schemaURL, scopes: scopes, indexedKeys: indexedKeys))
                continue
            }
            var order: [TraceID] = []
            var scopesByTrace: [TraceID: [ScopeSpans]] = [:]
            for ss in scopes {
                var byTrace: [TraceID: [Span]] = [:]
                var traceOrder: [TraceID] = []
                for span in ss.spans {
                    if byTrace[span.traceID] == nil { traceOrder.append(span.traceID) }
                    byTrace[span.traceID, default: []].append(span)
                }
                for id in traceOrder {
                    if scopesByTrace[id] == nil { order.append(id) }
                    scopesByTrace[id, default: []].append(ScopeSpans(scope: ss.scope, spans: byTrace[id]!, schemaURL: ss.schemaURL))
                }
            }
            for id in order {
                out.append(TraceSlice(traceID: id, resource: rs.resource, resourceSchemaURL: rs.schemaURL, scopes: scopesByTrace[id]!, indexedKeys: indexedKeys))
            }
        }
        return out
    }
}

extension Array where Element == TraceSlice {
    /// Spans in all the slices.
    public var spanCount: Int { reduce(0) { $0 + $1.summary.spanCount } }
    /// Heap bytes the slices hold (`TraceSlice.footprintBytes`).
    public var footprintBytes: Int { reduce(0) { $0 + $1.footprintBytes } }
}

/// The spans of a slice under their resource and scopes, without the summary: what the ring
/// keeps of a slice and what requests are encoded from (`OTLPProtobufEncoder.encode(contents:)`).
public struct SliceContent: Sendable {
    public var resource: Resource
    public var resourceSchemaURL: String
    public var spans: TraceSlice.Spans

    public init(resource: Resource, resourceSchemaURL: String, spans: TraceSlice.Spans) {
        self.resource = resource
        self.resourceSchemaURL = resourceSchemaURL
        self.spans = spans
    }
}
