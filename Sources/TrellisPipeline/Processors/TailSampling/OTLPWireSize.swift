import TrellisModel

/// The size in bytes of model values encoded as OTLP protobuf (`ExportTraceServiceRequest`
/// members), computed without encoding. `bytes_limiting` charges traces by it.
enum OTLPWireSize {
    static func varint(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    /// A length-delimited field with a one-byte tag (field numbers below 16).
    static func field(_ length: Int) -> Int { 1 + varint(UInt64(length)) + length }

    static func string(_ s: String) -> Int { s.isEmpty ? 0 : field(s.utf8.count) }

    static func anyValue(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let s): return field(s.utf8.count)
        case .bool: return 2
        case .int(let i): return 1 + varint(UInt64(bitPattern: i))
        case .double: return 9
        case .bytes(let b): return field(b.count)
        case .array(let values): return field(values.reduce(0) { $0 + field(anyValue($1)) })
        case .keyValueList(let attributes): return field(attributes.reduce(0) { $0 + field(keyValue($1)) })
        case .empty: return 0
        }
    }

    static func keyValue(_ attribute: Attribute) -> Int {
        string(attribute.key) + field(anyValue(attribute.value))
    }

    static func attributes(_ attributes: [Attribute]) -> Int {
        attributes.reduce(0) { $0 + field(keyValue($1)) }
    }

    static func count(_ n: UInt32) -> Int { n == 0 ? 0 : 1 + varint(UInt64(n)) }

    /// The encoded `Span` message (without its own field tag and length).
    static func span(_ span: Span) -> Int {
        var total = 18 + 10 // trace_id, span_id
        total += string(span.traceState)
        if span.parentSpanID.isValid { total += 10 }
        total += string(span.name)
        if span.kind != .unspecified { total += 2 }
        total += 9 + 9 // start, end (fixed64)
        total += attributes(span.attributes) + count(span.droppedAttributesCount)
        for event in span.events {
            total += field(9 + string(event.name) + attributes(event.attributes) + count(event.droppedAttributesCount))
        }
        total += count(span.droppedEventsCount)
        for link in span.links {
            total += field(18 + 10 + string(link.traceState) + attributes(link.attributes) + count(link.droppedAttributesCount) + (link.flags == 0 ? 0 : 5))
        }
        total += count(span.droppedLinksCount)
        let status = string(span.status.message) + (span.status.code == .unset ? 0 : 2)
        if status > 0 { total += field(status) }
        if span.flags != 0 { total += 6 } // field 16: two-byte tag + fixed32
        return total
    }

    /// A trace's slices as `ResourceSpans` (one per slice, the upper bound for a trace).
    static func trace(_ trace: PendingTrace) -> Int {
        var total = 0
        for slice in trace.slices {
            var scopes = 0
            switch slice.spans {
            case .model(let model):
                for ss in model {
                    let spans = ss.spans.reduce(0) { $0 + field(span($1)) }
                    scopes += field(field(scope(ss.scope)) + spans + string(ss.schemaURL))
                }
            case .encoded(let encoded):
                for ss in encoded {
                    scopes += field(field(scope(ss.scope)) + ss.bytes.count + string(ss.schemaURL))
                }
            }
            let resource = attributes(slice.resource.attributes) + count(slice.resource.droppedAttributesCount)
            total += field(field(resource) + scopes + string(slice.resourceSchemaURL))
        }
        return total
    }

    private static func scope(_ scope: InstrumentationScope) -> Int {
        string(scope.name) + string(scope.version) + attributes(scope.attributes)
    }
}
