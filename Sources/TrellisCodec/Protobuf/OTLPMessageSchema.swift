/// The OTLP trace messages for `ProtobufWireValidator`. Field numbers are the OTLP specification's;
/// names in error paths are OTLP/JSON's.
enum OTLPMessageSchema: UInt8, ProtobufMessageSchema {
    case exportRequest, resourceSpans, resource, scopeSpans, scope, span, event, link, status
    case keyValue, anyValue, arrayValue, keyValueList

    static let root = OTLPMessageSchema.exportRequest
    static let rootName = "ExportTraceServiceRequest"
    static let maxFieldNumber = 16
    static let packedRules = ProtobufField.packedRules(for: OTLPMessageSchema.self)

    /// The rule for `number` in this message; nil for fields OTLP does not define (they are skipped).
    func field(_ number: UInt64) -> ProtobufField? {
        typealias S = ProtobufField
        switch (self, number) {
        case (.exportRequest, 1): return S.list(Self.resourceSpans)
        case (.resourceSpans, 1): return S.one(Self.resource)
        case (.resourceSpans, 2): return S.list(Self.scopeSpans)
        case (.resourceSpans, 3): return S.text
        case (.resource, 1): return S.list(Self.keyValue)
        case (.resource, 2): return S.varint
        case (.scopeSpans, 1): return S.one(Self.scope)
        case (.scopeSpans, 2): return S.list(Self.span)
        case (.scopeSpans, 3): return S.text
        case (.scope, 1), (.scope, 2): return S.text
        case (.scope, 3): return S.list(Self.keyValue)
        case (.scope, 4): return S.varint
        case (.span, 1), (.span, 2), (.span, 3), (.span, 4), (.span, 5): return S.text
        case (.span, 6), (.span, 10), (.span, 12), (.span, 14): return S.varint
        case (.span, 7), (.span, 8): return S.fixed64
        case (.span, 9): return S.list(Self.keyValue)
        case (.span, 11): return S.list(Self.event)
        case (.span, 13): return S.list(Self.link)
        case (.span, 15): return S.one(Self.status)
        case (.span, 16): return S.fixed32
        case (.event, 1): return S.fixed64
        case (.event, 2): return S.text
        case (.event, 3): return S.list(Self.keyValue)
        case (.event, 4): return S.varint
        case (.link, 1), (.link, 2), (.link, 3): return S.text
        case (.link, 4): return S.list(Self.keyValue)
        case (.link, 5): return S.varint
        case (.link, 6): return S.fixed32
        case (.status, 2): return S.text
        case (.status, 3): return S.varint
        case (.keyValue, 1): return S.text
        case (.keyValue, 2): return S.one(Self.anyValue)
        case (.anyValue, 1), (.anyValue, 7): return S.text
        case (.anyValue, 2), (.anyValue, 3): return S.varint
        case (.anyValue, 4): return S.fixed64
        case (.anyValue, 5): return S.one(Self.arrayValue)
        case (.anyValue, 6): return S.one(Self.keyValueList)
        case (.arrayValue, 1): return S.list(Self.anyValue)
        case (.keyValueList, 1): return S.list(Self.keyValue)
        default: return nil
        }
    }

    /// The OTLP JSON name of a field, for error paths.
    func name(of number: UInt64) -> String {
        switch (self, number) {
        case (.exportRequest, 1): return "resourceSpans"
        case (.resourceSpans, 1): return "resource"
        case (.resourceSpans, 2): return "scopeSpans"
        case (.resourceSpans, 3), (.scopeSpans, 3): return "schemaUrl"
        case (.resource, 1), (.scope, 3), (.span, 9), (.event, 3), (.link, 4): return "attributes"
        case (.resource, 2), (.scope, 4), (.span, 10), (.event, 4), (.link, 5): return "droppedAttributesCount"
        case (.scopeSpans, 1): return "scope"
        case (.scopeSpans, 2): return "spans"
        case (.scope, 1), (.span, 5), (.event, 2): return "name"
        case (.scope, 2): return "version"
        case (.span, 1), (.link, 1): return "traceId"
        case (.span, 2), (.link, 2): return "spanId"
        case (.span, 3), (.link, 3): return "traceState"
        case (.span, 4): return "parentSpanId"
        case (.span, 6): return "kind"
        case (.span, 7): return "startTimeUnixNano"
        case (.span, 8): return "endTimeUnixNano"
        case (.span, 11): return "events"
        case (.span, 12): return "droppedEventsCount"
        case (.span, 13): return "links"
        case (.span, 14): return "droppedLinksCount"
        case (.span, 15): return "status"
        case (.span, 16), (.link, 6): return "flags"
        case (.event, 1): return "timeUnixNano"
        case (.status, 2): return "message"
        case (.status, 3): return "code"
        case (.keyValue, 1): return "key"
        case (.keyValue, 2): return "value"
        case (.anyValue, 1): return "stringValue"
        case (.anyValue, 2): return "boolValue"
        case (.anyValue, 3): return "intValue"
        case (.anyValue, 4): return "doubleValue"
        case (.anyValue, 5): return "arrayValue"
        case (.anyValue, 6): return "kvlistValue"
        case (.anyValue, 7): return "bytesValue"
        case (.arrayValue, 1), (.keyValueList, 1): return "values"
        default: return "field \(number)"
        }
    }
}
