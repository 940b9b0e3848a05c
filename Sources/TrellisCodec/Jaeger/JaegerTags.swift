import TrellisModel

/// The tags Jaeger shows for a span: its attributes (but the warnings, which Jaeger shows apart), then the OTLP fields that Jaeger's model
/// carries as tags, named as Jaeger's OTLP translator names them.
///
/// - span kind → `span.kind` (`client`, `server`, `producer`, `consumer`, `internal`);
/// - scope → `otel.scope.name`, `otel.scope.version`;
/// - status → `otel.status_code` (`OK`/`ERROR`) and `otel.status_description`, plus `error=true` for errors;
/// - trace state → `w3c.tracestate`.
public enum JaegerTags {
    /// Every tag of the span, attributes first.
    public static func of(_ span: Span, scope: InstrumentationScope) -> [Attribute] {
        var tags = span.attributes.filter { $0.key != Span.warningsAttributeKey }
        if span.kind != .unspecified { tags.append(Attribute("span.kind", .string(span.kind.name))) }
        if !scope.name.isEmpty { tags.append(Attribute("otel.scope.name", .string(scope.name))) }
        if !scope.version.isEmpty { tags.append(Attribute("otel.scope.version", .string(scope.version))) }
        switch span.status.code {
        case .unset:
            break
        case .ok:
            tags.append(Attribute("otel.status_code", .string("OK")))
        case .error:
            tags.append(Attribute("otel.status_code", .string("ERROR")))
            if span.attributes[key: "error"] == nil { tags.append(Attribute("error", .bool(true))) }
        }
        if !span.status.message.isEmpty { tags.append(Attribute("otel.status_description", .string(span.status.message))) }
        if !span.traceState.isEmpty { tags.append(Attribute("w3c.tracestate", .string(span.traceState))) }
        return tags
    }

    /// The tags of a resource as a Jaeger process shows them: every attribute but `service.name`.
    public static func of(_ resource: Resource) -> [Attribute] {
        resource.attributes.filter { $0.key != "service.name" }
    }

    /// Jaeger's tag type for a value: `string`, `bool`, `int64`, `float64` or `binary`.
    /// Arrays and key/value lists, which Jaeger's model lacks, are strings holding their JSON.
    public static func type(of value: AttributeValue) -> String {
        switch value {
        case .bool: return "bool"
        case .int: return "int64"
        case .double: return "float64"
        case .bytes: return "binary"
        case .string, .array, .keyValueList, .empty: return "string"
        }
    }

    /// The value as text, as a tag search compares it: strings as they are, numbers in decimal,
    /// booleans as `true`/`false`, bytes in base64, arrays and lists as JSON.
    public static func text(of value: AttributeValue) -> String {
        switch value {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : d.description
        case .bytes(let bytes): return OTLPJSONEncoder.base64Encode(bytes)
        case .empty: return ""
        case .array, .keyValueList:
            var w = JSONWriter()
            plainJSON(value, into: &w)
            return String(decoding: w.bytes, as: UTF8.self)
        }
    }

    /// A value as plain JSON: `["a",1]`, `{"k":"v"}`.
    static func plainJSON(_ value: AttributeValue, into w: inout JSONWriter) {
        switch value {
        case .string(let s): w.string(s)
        case .bool(let b): w.bool(b)
        case .int(let i): w.int(i)
        case .double(let d): w.double(d)
        case .bytes(let bytes): w.string(OTLPJSONEncoder.base64Encode(bytes))
        case .empty: w.null()
        case .array(let values):
            w.beginArray()
            for element in values { plainJSON(element, into: &w) }
            w.endArray()
        case .keyValueList(let list):
            w.beginObject()
            for attribute in list {
                w.key(attribute.key)
                plainJSON(attribute.value, into: &w)
            }
            w.endObject()
        }
    }
}
