/// The shape of the OTLP trace messages as far as wire validation needs it: for each
/// message, which field numbers are known, with which wire type and, for sub-messages,
/// which message they hold. Field numbers are the OTLP specification's.
enum OTLPMessageSchema: UInt8 {
    case exportRequest, resourceSpans, resource, scopeSpans, scope, span, event, link, status
    case keyValue, anyValue, arrayValue, keyValueList

    /// Protobuf wire types.
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// What a known field must look like, packed for the validator's inner loop.
    struct Field {
        let wireType: WireType
        /// The message a length-delimited field holds; nil for strings, bytes and scalars.
        let message: OTLPMessageSchema?
        /// True for repeated fields, whose elements are numbered in error paths.
        let repeated: Bool
    }

    private static let varint = Field(wireType: .varint, message: nil, repeated: false)
    private static let fixed64 = Field(wireType: .fixed64, message: nil, repeated: false)
    private static let fixed32 = Field(wireType: .fixed32, message: nil, repeated: false)
    private static let text = Field(wireType: .lengthDelimited, message: nil, repeated: false)
    private static func one(_ kind: OTLPMessageSchema) -> Field { Field(wireType: .lengthDelimited, message: kind, repeated: false) }
    private static func list(_ kind: OTLPMessageSchema) -> Field { Field(wireType: .lengthDelimited, message: kind, repeated: true) }

    /// The rule for `number` in this message; nil for fields OTLP does not define (they are skipped).
    func field(_ number: UInt64) -> Field? {
        typealias S = OTLPMessageSchema
        switch (self, number) {
        case (.exportRequest, 1): return S.list(.resourceSpans)
        case (.resourceSpans, 1): return S.one(.resource)
        case (.resourceSpans, 2): return S.list(.scopeSpans)
        case (.resourceSpans, 3): return S.text
        case (.resource, 1): return S.list(.keyValue)
        case (.resource, 2): return S.varint
        case (.scopeSpans, 1): return S.one(.scope)
        case (.scopeSpans, 2): return S.list(.span)
        case (.scopeSpans, 3): return S.text
        case (.scope, 1), (.scope, 2): return S.text
        case (.scope, 3): return S.list(.keyValue)
        case (.scope, 4): return S.varint
        case (.span, 1), (.span, 2), (.span, 3), (.span, 4), (.span, 5): return S.text
        case (.span, 6), (.span, 10), (.span, 12), (.span, 14): return S.varint
        case (.span, 7), (.span, 8): return S.fixed64
        case (.span, 9): return S.list(.keyValue)
        case (.span, 11): return S.list(.event)
        case (.span, 13): return S.list(.link)
        case (.span, 15): return S.one(.status)
        case (.span, 16): return S.fixed32
        case (.event, 1): return S.fixed64
        case (.event, 2): return S.text
        case (.event, 3): return S.list(.keyValue)
        case (.event, 4): return S.varint
        case (.link, 1), (.link, 2), (.link, 3): return S.text
        case (.link, 4): return S.list(.keyValue)
        case (.link, 5): return S.varint
        case (.link, 6): return S.fixed32
        case (.status, 2): return S.text
        case (.status, 3): return S.varint
        case (.keyValue, 1): return S.text
        case (.keyValue, 2): return S.one(.anyValue)
        case (.anyValue, 1), (.anyValue, 7): return S.text
        case (.anyValue, 2), (.anyValue, 3): return S.varint
        case (.anyValue, 4): return S.fixed64
        case (.anyValue, 5): return S.one(.arrayValue)
        case (.anyValue, 6): return S.one(.keyValueList)
        case (.arrayValue, 1): return S.list(.anyValue)
        case (.keyValueList, 1): return S.list(.keyValue)
        default: return nil
        }
    }

    /// The largest field number OTLP's trace messages use.
    static let maxFieldNumber = 16

    /// `field(_:)` for every message and field number, packed one byte each for the validator's
    /// inner loop: bits 0-2 hold the wire type + 1 (0 = unknown field), bit 3 says repeated,
    /// bits 4-7 hold the child message's raw value + 1 (0 = not a message).
    static let packedRules: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 13 * (maxFieldNumber + 1))
        for raw in 0..<13 {
            let schema = OTLPMessageSchema(rawValue: UInt8(raw))!
            for number in 0...maxFieldNumber {
                guard let rule = schema.field(UInt64(number)) else { continue }
                var packed = rule.wireType.rawValue + 1
                if rule.repeated { packed |= 0x08 }
                if let child = rule.message { packed |= (child.rawValue + 1) << 4 }
                table[raw * (maxFieldNumber + 1) + number] = packed
            }
        }
        return table
    }()

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
