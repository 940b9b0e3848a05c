import CProtobufC
import TrellisProtoC
import TrellisModel

/// Decodes OTLP `ExportTraceServiceRequest` protobuf bodies into the model.
///
/// The wire is validated first (`ProtobufWireValidator`), then libprotobuf-c unpacks it into
/// an arena that is reset after every call, then the model is built from the C structs.
/// Spans with bad IDs are dropped on their own and reported in `DecodedTraces.rejections`.
/// A decoder owns its arena, so it is not shared between threads: keep one per connection.
public final class OTLPProtobufDecoder: RequestBodyDecoder {
    private let unpacker: ProtobufUnpacker<OTLPMessageSchema>

    /// - Parameters:
    ///   - initialArenaBytes: the arena's starting size; it grows as requests need.
    ///   - maxDepth: how deeply messages may nest (attribute values inside arrays and maps count).
    ///   - maxExpansion: the most arena memory one request may use, as a multiple of its size (plus 1 MiB).
    public init(initialArenaBytes: Int = 1 << 20, maxDepth: Int = 64, maxExpansion: Int = 64) {
        unpacker = ProtobufUnpacker(initialArenaBytes: initialArenaBytes, maxDepth: maxDepth, maxExpansion: maxExpansion)
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> DecodedTraces {
        try unpacker.withMessage(bytes, unpack: opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack) { request in
            var builder = ModelBuilder(strings: unpacker.strings)
            return builder.build(request)
        }
    }

    /// Runs libprotobuf-c's unpack alone, with no validation and no model building: the ceiling the
    /// decode benchmark compares against. Returns the number of spans found.
    public func unpackOnly(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> Int {
        try unpacker.withMessage(bytes, validate: false, unpack: opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack) { request in
            var spans = 0
            for r in 0..<request.pointee.n_resource_spans {
                let rs = request.pointee.resource_spans[r]!
                for s in 0..<rs.pointee.n_scope_spans { spans += rs.pointee.scope_spans[s]!.pointee.n_spans }
            }
            return spans
        }
    }
}

/// Builds model values from the unpacked C structs, checking span IDs and repairing invalid
/// UTF-8 (U+FFFD, listed in `DecodedTraces.repairedStrings`) as it goes.
private struct ModelBuilder {
    typealias CRequest = Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest
    typealias CKeyValue = Opentelemetry__Proto__Common__V1__KeyValue
    typealias CAnyValue = Opentelemetry__Proto__Common__V1__AnyValue

    var strings: CStringReader
    var rejections = SpanRejections()

    init(strings: StringCache) {
        self.strings = CStringReader(cache: strings)
    }

    mutating func build(_ request: UnsafeMutablePointer<CRequest>) -> DecodedTraces {
        var resourceSpans: [ResourceSpans] = []
        resourceSpans.reserveCapacity(request.pointee.n_resource_spans)
        for r in 0..<request.pointee.n_resource_spans {
            let crs = request.pointee.resource_spans[r]!.pointee
            let rPath = "resourceSpans[\(r)]"
            var resource = Resource()
            if let cres = crs.resource {
                resource.attributes = attributes(cres.pointee.attributes, cres.pointee.n_attributes)
                resource.droppedAttributesCount = cres.pointee.dropped_attributes_count
            }
            var scopes: [ScopeSpans] = []
            scopes.reserveCapacity(crs.n_scope_spans)
            for s in 0..<crs.n_scope_spans {
                let css = crs.scope_spans[s]!.pointee
                let sPath = "\(rPath).scopeSpans[\(s)]"
                var scope = InstrumentationScope()
                if let cscope = css.scope {
                    scope.name = string(cscope.pointee.name)
                    scope.version = string(cscope.pointee.version)
                    scope.attributes = attributes(cscope.pointee.attributes, cscope.pointee.n_attributes)
                    scope.droppedAttributesCount = cscope.pointee.dropped_attributes_count
                }
                var spans: [Span] = []
                spans.reserveCapacity(css.n_spans)
                for i in 0..<css.n_spans {
                    if let span = span(css.spans[i]!, path: "\(sPath).spans[\(i)]") { spans.append(span) }
                }
                scopes.append(ScopeSpans(scope: scope, spans: spans, schemaURL: string(css.schema_url)))
            }
            resourceSpans.append(ResourceSpans(resource: resource, scopeSpans: scopes, schemaURL: string(crs.schema_url)))
        }
        return DecodedTraces(batch: TraceBatch(resourceSpans: resourceSpans), rejections: rejections, repairedStrings: strings.repaired)
    }

    private mutating func span(_ pointer: UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span>, path: @autoclosure () -> String) -> Span? {
        let c = pointer.pointee
        let traceID = TraceID(bytes: UnsafeRawBufferPointer(start: c.trace_id.data, count: c.trace_id.len))
        let spanID = SpanID(bytes: UnsafeRawBufferPointer(start: c.span_id.data, count: c.span_id.len))
        if let problem = SpanIdentityCheck.problem(
            traceIDLength: c.trace_id.len, traceID: traceID,
            spanIDLength: c.span_id.len, spanID: spanID, parentLength: c.parent_span_id.len
        ) {
            rejections.reject("\(path()): \(problem)")
            return nil
        }
        let parent = SpanID(bytes: UnsafeRawBufferPointer(start: c.parent_span_id.data, count: c.parent_span_id.len)) ?? .none
        var events: [SpanEvent] = []
        if c.n_events > 0 {
            events.reserveCapacity(c.n_events)
            for e in 0..<c.n_events {
                let ce = c.events[e]!.pointee
                events.append(SpanEvent(
                    timeUnixNano: ce.time_unix_nano,
                    name: string(ce.name),
                    attributes: attributes(ce.attributes, ce.n_attributes),
                    droppedAttributesCount: ce.dropped_attributes_count))
            }
        }
        var links: [SpanLink] = []
        if c.n_links > 0 {
            links.reserveCapacity(c.n_links)
            for l in 0..<c.n_links {
                let cl = c.links[l]!.pointee
                let lPath = "\(path()).links[\(l)]"
                guard let linkTrace = TraceID(bytes: UnsafeRawBufferPointer(start: cl.trace_id.data, count: cl.trace_id.len)),
                      let linkSpan = SpanID(bytes: UnsafeRawBufferPointer(start: cl.span_id.data, count: cl.span_id.len)) else {
                    rejections.reject("\(lPath): link traceId must be 16 bytes and spanId 8 bytes, got \(cl.trace_id.len) and \(cl.span_id.len)")
                    return nil
                }
                links.append(SpanLink(
                    traceID: linkTrace, spanID: linkSpan,
                    traceState: string(cl.trace_state),
                    attributes: attributes(cl.attributes, cl.n_attributes),
                    droppedAttributesCount: cl.dropped_attributes_count, flags: cl.flags))
            }
        }
        var status = SpanStatus.unset
        if let cs = c.status {
            status = SpanStatus(code: SpanStatus.Code(rawValue: Int32(bitPattern: cs.pointee.code.rawValue)) ?? .unset,
                                message: string(cs.pointee.message))
        }
        return Span(
            traceID: traceID!, spanID: spanID!, parentSpanID: parent,
            traceState: string(c.trace_state),
            flags: c.flags,
            name: string(c.name),
            kind: SpanKind(rawValue: Int32(bitPattern: c.kind.rawValue)) ?? .unspecified,
            startTimeUnixNano: c.start_time_unix_nano, endTimeUnixNano: c.end_time_unix_nano,
            attributes: attributes(c.attributes, c.n_attributes),
            droppedAttributesCount: c.dropped_attributes_count,
            events: events, droppedEventsCount: c.dropped_events_count,
            links: links, droppedLinksCount: c.dropped_links_count,
            status: status)
    }

    private mutating func attributes(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CKeyValue>?>?, _ count: Int) -> [Attribute] {
        guard count > 0, let list else { return [] }
        var out: [Attribute] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let kv = list[i]!.pointee
            let key = string(kv.key)
            out.append(Attribute(key, value(kv.value)))
        }
        return out
    }

    private mutating func value(_ pointer: UnsafeMutablePointer<CAnyValue>?) -> AttributeValue {
        guard let v = pointer?.pointee else { return .empty }
        switch v.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
            return .string(string(v.string_value))
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
            return .bool(v.bool_value != 0)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
            return .int(v.int_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
            return .double(v.double_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE:
            return .bytes(Array(UnsafeRawBufferPointer(start: v.bytes_value.data, count: v.bytes_value.len)))
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
            guard let array = v.array_value?.pointee else { return .array([]) }
            var values: [AttributeValue] = []
            values.reserveCapacity(array.n_values)
            for i in 0..<array.n_values {
                values.append(value(array.values[i]))
            }
            return .array(values)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
            guard let list = v.kvlist_value?.pointee else { return .keyValueList([]) }
            return .keyValueList(attributes(list.values, list.n_values))
        default:
            return .empty
        }
    }

    private mutating func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        strings.string(pointer)
    }
}
