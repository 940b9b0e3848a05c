import TrellisModel

/// Encodes the model as OTLP/JSON: `ExportTraceServiceRequest` bodies, `ExportTraceServiceResponse`
/// bodies (with partial success), and `google.rpc.Status` error bodies.
///
/// It writes what the OTLP JSON mapping and proto3 JSON ask for: IDs as lowercase hex, 64-bit
/// integers (`intValue`, `*UnixNano`) as decimal strings, 32-bit integers and enums as numbers,
/// `bytesValue` in base64, and fields holding their default value left out. An empty `AnyValue`
/// is `{}`. `OTLPJSONDecoder` reads the output back to an equal model.
public struct OTLPJSONEncoder: Sendable {
    public init() {}

    /// An `ExportTraceServiceRequest` holding the batch.
    public func encode(_ batch: TraceBatch) -> [UInt8] {
        var w = JSONWriter(capacity: 128 + batch.spanCount * 512)
        w.beginObject()
        w.key("resourceSpans")
        w.beginArray()
        for rs in batch.resourceSpans {
            w.beginObject()
            w.key("resource")
            w.beginObject()
            Self.attributes(rs.resource.attributes, into: &w)
            w.intMember("droppedAttributesCount", Int64(rs.resource.droppedAttributesCount))
            w.endObject()
            w.key("scopeSpans")
            w.beginArray()
            for ss in rs.scopeSpans {
                w.beginObject()
                w.key("scope")
                w.beginObject()
                w.stringMember("name", ss.scope.name)
                w.stringMember("version", ss.scope.version)
                Self.attributes(ss.scope.attributes, into: &w)
                w.intMember("droppedAttributesCount", Int64(ss.scope.droppedAttributesCount))
                w.endObject()
                w.key("spans")
                w.beginArray()
                for span in ss.spans { Self.span(span, into: &w) }
                w.endArray()
                w.stringMember("schemaUrl", ss.schemaURL)
                w.endObject()
            }
            w.endArray()
            w.stringMember("schemaUrl", rs.schemaURL)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// An `ExportTraceServiceResponse`: `{}` when nothing was rejected, otherwise
    /// `{"partialSuccess":{"rejectedSpans":"N","errorMessage":"..."}}`.
    public func encodeResponse(rejectedSpans: Int64, errorMessage: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        if rejectedSpans != 0 || !errorMessage.isEmpty {
            w.key("partialSuccess")
            w.beginObject()
            if rejectedSpans != 0 {
                w.key("rejectedSpans")
                w.string(String(rejectedSpans))
            }
            w.stringMember("errorMessage", errorMessage)
            w.endObject()
        }
        w.endObject()
        return w.bytes
    }

    /// A `google.rpc.Status` error body: `{"code":N,"message":"..."}`.
    public func encodeStatus(code: Int32, message: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("code")
        w.int(Int64(code))
        w.key("message")
        w.string(message)
        w.endObject()
        return w.bytes
    }

    // MARK: Messages

    private static func span(_ span: Span, into w: inout JSONWriter) {
        w.beginObject()
        w.key("traceId")
        w.string(span.traceID.hex)
        w.key("spanId")
        w.string(span.spanID.hex)
        w.stringMember("traceState", span.traceState)
        if span.parentSpanID.isValid {
            w.key("parentSpanId")
            w.string(span.parentSpanID.hex)
        }
        w.intMember("flags", Int64(span.flags))
        w.stringMember("name", span.name)
        w.intMember("kind", Int64(span.kind.rawValue))
        w.int64StringMember("startTimeUnixNano", span.startTimeUnixNano)
        w.int64StringMember("endTimeUnixNano", span.endTimeUnixNano)
        attributes(span.attributes, into: &w)
        w.intMember("droppedAttributesCount", Int64(span.droppedAttributesCount))
        if !span.events.isEmpty {
            w.key("events")
            w.beginArray()
            for event in span.events {
                w.beginObject()
                w.int64StringMember("timeUnixNano", event.timeUnixNano)
                w.stringMember("name", event.name)
                attributes(event.attributes, into: &w)
                w.intMember("droppedAttributesCount", Int64(event.droppedAttributesCount))
                w.endObject()
            }
            w.endArray()
        }
        w.intMember("droppedEventsCount", Int64(span.droppedEventsCount))
        if !span.links.isEmpty {
            w.key("links")
            w.beginArray()
            for link in span.links {
                w.beginObject()
                w.key("traceId")
                w.string(link.traceID.hex)
                w.key("spanId")
                w.string(link.spanID.hex)
                w.stringMember("traceState", link.traceState)
                attributes(link.attributes, into: &w)
                w.intMember("droppedAttributesCount", Int64(link.droppedAttributesCount))
                w.intMember("flags", Int64(link.flags))
                w.endObject()
            }
            w.endArray()
        }
        w.intMember("droppedLinksCount", Int64(span.droppedLinksCount))
        if span.status != .unset {
            w.key("status")
            w.beginObject()
            w.stringMember("message", span.status.message)
            w.intMember("code", Int64(span.status.code.rawValue))
            w.endObject()
        }
        w.endObject()
    }

    /// `"attributes":[...]`, left out when there are none.
    private static func attributes(_ attributes: [Attribute], into w: inout JSONWriter) {
        guard !attributes.isEmpty else { return }
        w.key("attributes")
        keyValueList(attributes, into: &w)
    }

    private static func keyValueList(_ attributes: [Attribute], into w: inout JSONWriter) {
        w.beginArray()
        for attribute in attributes {
            w.beginObject()
            w.key("key")
            w.string(attribute.key)
            w.key("value")
            anyValue(attribute.value, into: &w)
            w.endObject()
        }
        w.endArray()
    }

    private static func anyValue(_ value: AttributeValue, into w: inout JSONWriter) {
        w.beginObject()
        switch value {
        case .string(let s):
            w.key("stringValue")
            w.string(s)
        case .bool(let b):
            w.key("boolValue")
            w.bool(b)
        case .int(let i):
            w.key("intValue")
            w.string(String(i))
        case .double(let d):
            w.key("doubleValue")
            w.double(d)
        case .bytes(let bytes):
            w.key("bytesValue")
            w.string(base64Encode(bytes))
        case .array(let values):
            w.key("arrayValue")
            w.beginObject()
            w.key("values")
            w.beginArray()
            for element in values { anyValue(element, into: &w) }
            w.endArray()
            w.endObject()
        case .keyValueList(let list):
            w.key("kvlistValue")
            w.beginObject()
            w.key("values")
            keyValueList(list, into: &w)
            w.endObject()
        case .empty:
            break
        }
        w.endObject()
    }

    // MARK: Base64

    private static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 (RFC 4648 §4) with padding.
    static func base64Encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let remaining = bytes.count - i
            let b0 = UInt32(bytes[i])
            let b1 = remaining > 1 ? UInt32(bytes[i + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[i + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(base64Alphabet[Int(group >> 18 & 0x3F)])
            out.append(base64Alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? base64Alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? base64Alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
