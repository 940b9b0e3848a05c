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

    /// Appends the span to `spans` as a `ScopeSpans.spans` entry (field 2: tag, length, `Span`
    /// message), the form `EncodedSpanRun.spans` holds.
    public func append(_ span: Span, to spans: inout [UInt8]) {
        var w = ProtobufWriter(appendingTo: spans)
        spans = []
        w.message(2) { w in Self.write(span, into: &w) }
        spans = w.bytes
    }

    /// An `ExportTraceServiceRequest` holding the runs' spans: one `ResourceSpans` per distinct
    /// resource (and schema URL), within it one `ScopeSpans` per distinct scope, in order of first
    /// appearance. Runs cut from one request share their resources' storage, so telling them
    /// apart compares little.
    public func encode(runs: [EncodedSpanRun]) -> [UInt8] {
        struct ScopeGroup {
            var run: EncodedSpanRun
            var spans: [[UInt8]]
        }
        struct ResourceGroup {
            var run: EncodedSpanRun
            var scopes: [ScopeGroup]
        }
        var groups: [ResourceGroup] = []
        var size = 64
        for run in runs {
            size += run.spans.count + 16
            guard let r = groups.lastIndex(where: { $0.run.resource == run.resource && $0.run.resourceSchemaURL == run.resourceSchemaURL }) else {
                groups.append(ResourceGroup(run: run, scopes: [ScopeGroup(run: run, spans: [run.spans])]))
                continue
            }
            if let s = groups[r].scopes.lastIndex(where: { $0.run.scope == run.scope && $0.run.scopeSchemaURL == run.scopeSchemaURL }) {
                groups[r].scopes[s].spans.append(run.spans)
            } else {
                groups[r].scopes.append(ScopeGroup(run: run, spans: [run.spans]))
            }
        }
        var w = ProtobufWriter(capacity: size)
        for group in groups {
            w.message(1) { w in
                Self.write(group.run.resource, into: &w)
                for scope in group.scopes {
                    w.message(2) { w in
                        Self.write(scope.run.scope, into: &w)
                        for spans in scope.spans { w.raw(spans) }
                        w.string(3, scope.run.scopeSchemaURL)
                    }
                }
                w.string(3, group.run.resourceSchemaURL)
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
