import TrellisModel

/// Encodes the model as OTLP protobuf: export requests (for forwarding and round trips),
/// export responses with partial success, and the `google.rpc.Status` error body.
/// Fields are written in field-number order and defaults are omitted, as the reference SDKs do.
public struct OTLPProtobufEncoder: Sendable {
    public init() {}

    /// An `ExportTraceServiceRequest` holding the batch.
    public func encode(_ batch: TraceBatch) -> [UInt8] {
        var w = ProtobufWriter(capacity: batch.spanCount * 400 + 64)
        for rs in batch.resourceSpans {
            w.message(1) { w in Self.write(rs, into: &w) }
        }
        return w.bytes
    }

    /// The slice with its spans encoded (`EncodedScopeSpans`: each span a `ScopeSpans.spans`
    /// entry, field 2), as stages that hold spans for long keep them; an encoded slice as it is.
    public func encoded(_ slice: TraceSlice) -> TraceSlice {
        guard case .model(let scopes) = slice.spans else { return slice }
        return slice.replacingSpans(with: scopes.map { scope in
            var w = ProtobufWriter(capacity: scope.spans.count * 400)
            for span in scope.spans { w.message(2) { w in Self.write(span, into: &w) } }
            return EncodedScopeSpans(scope: scope.scope, schemaURL: scope.schemaURL, bytes: w.bytes, spanCount: scope.spans.count)
        })
    }

    /// An `ExportTraceServiceRequest` holding the slices' spans: one `ResourceSpans` per
    /// distinct resource (and schema URL), within it one `ScopeSpans` per distinct scope, in
    /// order of first appearance. Slices of one request share their resources' storage, so
    /// telling them apart compares little. Encoded spans are copied as they are.
    public func encode(contents slices: [SliceContent]) -> [UInt8] {
        struct ScopeGroup {
            var scope: InstrumentationScope
            var schemaURL: String
            var parts: [TraceSlice.Spans]
        }
        struct ResourceGroup {
            var slice: SliceContent
            var scopes: [ScopeGroup]
        }
        var groups: [ResourceGroup] = []
        var size = 64
        for slice in slices {
            let r: Int
            if let found = groups.lastIndex(where: { $0.slice.resource == slice.resource && $0.slice.resourceSchemaURL == slice.resourceSchemaURL }) {
                r = found
            } else {
                r = groups.count
                groups.append(ResourceGroup(slice: slice, scopes: []))
            }
            func add(_ scope: InstrumentationScope, _ schemaURL: String, _ part: TraceSlice.Spans) {
                if let s = groups[r].scopes.lastIndex(where: { $0.scope == scope && $0.schemaURL == schemaURL }) {
                    groups[r].scopes[s].parts.append(part)
                } else {
                    groups[r].scopes.append(ScopeGroup(scope: scope, schemaURL: schemaURL, parts: [part]))
                }
            }
            switch slice.spans {
            case .model(let scopes):
                for scope in scopes {
                    size += scope.spans.count * 400
                    add(scope.scope, scope.schemaURL, .model([scope]))
                }
            case .encoded(let scopes):
                for scope in scopes {
                    size += scope.bytes.count + 16
                    add(scope.scope, scope.schemaURL, .encoded([scope]))
                }
            }
        }
        var w = ProtobufWriter(capacity: size)
        for group in groups {
            w.message(1) { w in
                Self.write(group.slice.resource, into: &w)
                for scope in group.scopes {
                    w.message(2) { w in
                        Self.write(scope.scope, into: &w)
                        for part in scope.parts {
                            switch part {
                            case .model(let scopes): for span in scopes.flatMap(\.spans) { w.message(2) { w in Self.write(span, into: &w) } }
                            case .encoded(let scopes): for encoded in scopes { w.raw(encoded.bytes) }
                            }
                        }
                        w.string(3, scope.schemaURL)
                    }
                }
                w.string(3, group.slice.resourceSchemaURL)
            }
        }
        return w.bytes
    }

    /// An `ExportTraceServiceResponse`; `partial_success` is present only when spans were rejected.
    public func encodeResponse(rejectedSpans: Int64, errorMessage: String) -> [UInt8] {
        guard rejectedSpans != 0 || !errorMessage.isEmpty else { return [] }
        var w = ProtobufWriter()
        w.message(1) { w in
            w.int64(1, rejectedSpans)
            w.string(2, errorMessage)
        }
        return w.bytes
    }

    /// A `google.rpc.Status` with a gRPC code and a message.
    public func encodeStatus(code: Int32, message: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.int32(1, code)
        w.string(2, message)
        return w.bytes
    }

    /// `ResourceSpans.resource` (field 1).
    private static func write(_ resource: Resource, into w: inout ProtobufWriter) {
        w.message(1) { w in
            write(resource.attributes, field: 1, into: &w)
            w.uint64(2, UInt64(resource.droppedAttributesCount))
        }
    }

    /// `ScopeSpans.scope` (field 1).
    private static func write(_ scope: InstrumentationScope, into w: inout ProtobufWriter) {
        w.message(1) { w in
            w.string(1, scope.name)
            w.string(2, scope.version)
            write(scope.attributes, field: 3, into: &w)
            w.uint64(4, UInt64(scope.droppedAttributesCount))
        }
    }

    private static func write(_ rs: ResourceSpans, into w: inout ProtobufWriter) {
        write(rs.resource, into: &w)
        for ss in rs.scopeSpans {
            w.message(2) { w in
                write(ss.scope, into: &w)
                for span in ss.spans {
                    w.message(2) { w in write(span, into: &w) }
                }
                w.string(3, ss.schemaURL)
            }
        }
        w.string(3, rs.schemaURL)
    }

    private static func write(_ span: Span, into w: inout ProtobufWriter) {
        w.data(1, span.traceID.bytes)
        w.data(2, span.spanID.bytes)
        w.string(3, span.traceState)
        if span.parentSpanID.isValid { w.data(4, span.parentSpanID.bytes) }
        w.string(5, span.name)
        w.uint64(6, UInt64(span.kind.rawValue))
        w.fixed64(7, span.startTimeUnixNano)
        w.fixed64(8, span.endTimeUnixNano)
        write(span.attributes, field: 9, into: &w)
        w.uint64(10, UInt64(span.droppedAttributesCount))
        for event in span.events {
            w.message(11) { w in
                w.fixed64(1, event.timeUnixNano)
                w.string(2, event.name)
                write(event.attributes, field: 3, into: &w)
                w.uint64(4, UInt64(event.droppedAttributesCount))
            }
        }
        w.uint64(12, UInt64(span.droppedEventsCount))
        for link in span.links {
            w.message(13) { w in
                w.data(1, link.traceID.bytes)
                w.data(2, link.spanID.bytes)
                w.string(3, link.traceState)
                write(link.attributes, field: 4, into: &w)
                w.uint64(5, UInt64(link.droppedAttributesCount))
                w.fixed32(6, link.flags)
            }
        }
        w.uint64(14, UInt64(span.droppedLinksCount))
        w.message(15) { w in
            w.string(2, span.status.message)
            w.uint64(3, UInt64(span.status.code.rawValue))
        }
        w.fixed32(16, span.flags)
    }

    private static func write(_ attributes: [Attribute], field: UInt32, into w: inout ProtobufWriter) {
        for attribute in attributes {
            w.message(field) { w in
                w.string(1, attribute.key)
                w.message(2) { w in write(attribute.value, into: &w) }
            }
        }
    }

    private static func write(_ value: AttributeValue, into w: inout ProtobufWriter) {
        switch value {
        case .string(let s):
            w.presentData(1, Array(s.utf8))
        case .bool(let b):
            w.presentVarint(2, b ? 1 : 0)
        case .int(let i):
            w.presentVarint(3, UInt64(bitPattern: i))
        case .double(let d):
            w.presentFixed64(4, d.bitPattern)
        case .array(let values):
            w.message(5) { w in
                for v in values { w.message(1) { w in write(v, into: &w) } }
            }
        case .keyValueList(let attributes):
            w.message(6) { w in write(attributes, field: 1, into: &w) }
        case .bytes(let b):
            w.presentData(7, b)
        case .empty:
            break
        }
    }
}
