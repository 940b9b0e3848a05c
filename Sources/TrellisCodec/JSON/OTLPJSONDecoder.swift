import TrellisModel

/// Decodes OTLP/JSON `ExportTraceServiceRequest` bodies (`POST /v1/traces` with
/// `Content-Type: application/json`) into the model.
///
/// It follows the OTLP JSON mapping: lowerCamelCase member names; trace and span IDs in hex
/// (either case; base64 of the right length is taken too, see `JSONIdentifierText`, and counted
/// in `DecodedTraces.base64IDSpans`); enums as numbers or as their proto names (`SPAN_KIND_SERVER`);
/// 64-bit integers as decimal strings or numbers; `bytesValue` in base64; `null` meaning the
/// default; unknown members ignored. Malformed JSON and members of the wrong type fail the
/// whole request with a `CodecError` naming the path (`resourceSpans[0].scopeSpans[0].spans[2].name`).
/// A span whose IDs break the OTLP rules is dropped on its own and reported in
/// `DecodedTraces.rejections`, so the receiver can answer with a partial success.
public struct OTLPJSONDecoder: Sendable {
    private let parser: JSONParser

    /// - Parameter maxDepth: how deeply arrays and objects may nest in the body.
    public init(maxDepth: Int = 128) {
        parser = JSONParser(maxDepth: maxDepth)
    }

    public func decode(_ bytes: [UInt8]) throws(CodecError) -> DecodedTraces {
        var repairedStrings: Set<String> = []
        let root = try parser.parse(bytes, repairedStrings: &repairedStrings)
        guard case .object(let members) = root else {
            throw .wrongJSONType(field: "ExportTraceServiceRequest", expected: "an object")
        }
        var decoding = Decoding()
        var resourceSpans: [ResourceSpans] = []
        for (key, value) in members where key == "resourceSpans" {
            resourceSpans = []
            for (r, element) in try JSONRead.array(value, "resourceSpans").enumerated() {
                resourceSpans.append(try decoding.resourceSpans(element, path: "resourceSpans[\(r)]"))
            }
        }
        return DecodedTraces(batch: TraceBatch(resourceSpans: resourceSpans), rejections: decoding.rejections, base64IDSpans: decoding.base64IDSpans,
                             repairedStrings: repairedStrings)
    }
}

/// The state of one decode: the spans rejected so far, and those whose IDs came in base64.
private struct Decoding {
    var rejections = SpanRejections()
    var base64IDSpans = 0

    static let spanKinds: [String: Int32] = [
        "SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2,
        "SPAN_KIND_CLIENT": 3, "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5,
    ]
    static let statusCodes: [String: Int32] = ["STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2]

    mutating func resourceSpans(_ value: JSONValue, path: String) throws(CodecError) -> ResourceSpans {
        var out = ResourceSpans(resource: Resource(), scopeSpans: [])
        for (key, member) in try JSONRead.object(value, path) {
            switch key {
            case "resource":
                out.resource = Resource()
                for (rKey, rMember) in try JSONRead.object(member, path + ".resource") {
                    switch rKey {
                    case "attributes": out.resource.attributes = try Self.attributes(rMember, path + ".resource.attributes")
                    case "droppedAttributesCount": out.resource.droppedAttributesCount = try JSONRead.uint32(rMember, path + ".resource.droppedAttributesCount")
                    default: continue
                    }
                }
            case "scopeSpans":
                out.scopeSpans = []
                for (s, element) in try JSONRead.array(member, path + ".scopeSpans").enumerated() {
                    out.scopeSpans.append(try scopeSpans(element, path: "\(path).scopeSpans[\(s)]"))
                }
            case "schemaUrl":
                out.schemaURL = try JSONRead.string(member, path + ".schemaUrl")
            default:
                continue
            }
        }
        return out
    }

    mutating func scopeSpans(_ value: JSONValue, path: String) throws(CodecError) -> ScopeSpans {
        var out = ScopeSpans(scope: InstrumentationScope(), spans: [])
        for (key, member) in try JSONRead.object(value, path) {
            switch key {
            case "scope":
                out.scope = try Self.scope(member, path: path + ".scope")
            case "spans":
                out.spans = []
                for (i, element) in try JSONRead.array(member, path + ".spans").enumerated() {
                    if let span = try span(element, path: "\(path).spans[\(i)]") { out.spans.append(span) }
                }
            case "schemaUrl":
                out.schemaURL = try JSONRead.string(member, path + ".schemaUrl")
            default:
                continue
            }
        }
        return out
    }

    static func scope(_ value: JSONValue, path: String) throws(CodecError) -> InstrumentationScope {
        var scope = InstrumentationScope()
        for (key, member) in try JSONRead.object(value, path) {
            switch key {
            case "name": scope.name = try JSONRead.string(member, path + ".name")
            case "version": scope.version = try JSONRead.string(member, path + ".version")
            case "attributes": scope.attributes = try attributes(member, path + ".attributes")
            case "droppedAttributesCount": scope.droppedAttributesCount = try JSONRead.uint32(member, path + ".droppedAttributesCount")
            default: continue
            }
        }
        return scope
    }

    /// The span, or nil when its IDs are invalid (it is then recorded as rejected).
    mutating func span(_ value: JSONValue, path: String) throws(CodecError) -> Span? {
        guard case .object(let members) = value else {
            throw .wrongJSONType(field: path, expected: "an object")
        }
        var traceHex = "", spanHex = "", parentHex = ""
        var linkProblem: String?
        var span = Span(traceID: TraceID(high: 0, low: 0), spanID: .none, name: "", startTimeUnixNano: 0, endTimeUnixNano: 0)
        for (key, member) in members {
            switch key {
            case "traceId": traceHex = try JSONRead.string(member, path + ".traceId")
            case "spanId": spanHex = try JSONRead.string(member, path + ".spanId")
            case "parentSpanId": parentHex = try JSONRead.string(member, path + ".parentSpanId")
            case "traceState": span.traceState = try JSONRead.string(member, path + ".traceState")
            case "flags": span.flags = try JSONRead.uint32(member, path + ".flags")
            case "name": span.name = try JSONRead.string(member, path + ".name")
            case "kind":
                let number = try JSONRead.enumValue(member, names: Self.spanKinds, path + ".kind")
                span.kind = SpanKind(rawValue: number) ?? .unspecified
            case "startTimeUnixNano": span.startTimeUnixNano = try JSONRead.uint64(member, path + ".startTimeUnixNano")
            case "endTimeUnixNano": span.endTimeUnixNano = try JSONRead.uint64(member, path + ".endTimeUnixNano")
            case "attributes": span.attributes = try Self.attributes(member, path + ".attributes")
            case "droppedAttributesCount": span.droppedAttributesCount = try JSONRead.uint32(member, path + ".droppedAttributesCount")
            case "events":
                span.events = []
                for (e, element) in try JSONRead.array(member, path + ".events").enumerated() {
                    span.events.append(try Self.event(element, path: "\(path).events[\(e)]"))
                }
            case "droppedEventsCount": span.droppedEventsCount = try JSONRead.uint32(member, path + ".droppedEventsCount")
            case "links":
                span.links = []
                linkProblem = nil
                for (l, element) in try JSONRead.array(member, path + ".links").enumerated() {
                    switch try Self.link(element, path: "\(path).links[\(l)]") {
                    case .success(let link): span.links.append(link)
                    case .failure(let problem): linkProblem = linkProblem ?? "links[\(l)]." + problem.reason
                    }
                }
            case "droppedLinksCount": span.droppedLinksCount = try JSONRead.uint32(member, path + ".droppedLinksCount")
            case "status": span.status = try Self.status(member, path: path + ".status")
            default: continue
            }
        }
        let trace = JSONIdentifierText.hex(traceHex, bytes: 16)
        let spanText = JSONIdentifierText.hex(spanHex, bytes: 8)
        let parent = JSONIdentifierText.hex(parentHex, bytes: 8)
        switch HexSpanIdentity(traceHex: trace.hex, spanHex: spanText.hex, parentHex: parent.hex) {
        case .invalid(let reason):
            rejections.reject("\(path): \(reason)")
            return nil
        case .valid(let traceID, let spanID, let parentSpanID):
            if let linkProblem {
                rejections.reject("\(path): \(linkProblem)")
                return nil
            }
            span.traceID = traceID
            span.spanID = spanID
            span.parentSpanID = parentSpanID
            if trace.wasBase64 || spanText.wasBase64 || parent.wasBase64 { base64IDSpans += 1 }
            return span
        }
    }

    static func event(_ value: JSONValue, path: String) throws(CodecError) -> SpanEvent {
        guard case .object(let members) = value else { throw .wrongJSONType(field: path, expected: "an object") }
        var event = SpanEvent(timeUnixNano: 0, name: "")
        for (key, member) in members {
            switch key {
            case "timeUnixNano": event.timeUnixNano = try JSONRead.uint64(member, path + ".timeUnixNano")
            case "name": event.name = try JSONRead.string(member, path + ".name")
            case "attributes": event.attributes = try attributes(member, path + ".attributes")
            case "droppedAttributesCount": event.droppedAttributesCount = try JSONRead.uint32(member, path + ".droppedAttributesCount")
            default: continue
            }
        }
        return event
    }

    struct LinkProblem: Error { var reason: String }

    /// The link, or the reason its IDs are unusable (which rejects its span, as the protobuf decoder does).
    static func link(_ value: JSONValue, path: String) throws(CodecError) -> Result<SpanLink, LinkProblem> {
        guard case .object(let members) = value else { throw .wrongJSONType(field: path, expected: "an object") }
        var traceHex = "", spanHex = ""
        var link = SpanLink(traceID: TraceID(high: 0, low: 0), spanID: .none)
        for (key, member) in members {
            switch key {
            case "traceId": traceHex = try JSONRead.string(member, path + ".traceId")
            case "spanId": spanHex = try JSONRead.string(member, path + ".spanId")
            case "traceState": link.traceState = try JSONRead.string(member, path + ".traceState")
            case "attributes": link.attributes = try attributes(member, path + ".attributes")
            case "droppedAttributesCount": link.droppedAttributesCount = try JSONRead.uint32(member, path + ".droppedAttributesCount")
            case "flags": link.flags = try JSONRead.uint32(member, path + ".flags")
            default: continue
            }
        }
        traceHex = JSONIdentifierText.hex(traceHex, bytes: 16).hex
        spanHex = JSONIdentifierText.hex(spanHex, bytes: 8).hex
        guard traceHex.utf8.count == 32, let traceID = TraceID(hex: traceHex) else {
            return .failure(LinkProblem(reason: "traceId must be 16 bytes (32 hex digits), got \(JSONRead.quoted(traceHex))"))
        }
        guard let spanID = SpanID(hex: spanHex) else {
            return .failure(LinkProblem(reason: "spanId must be 8 bytes (16 hex digits), got \(JSONRead.quoted(spanHex))"))
        }
        link.traceID = traceID
        link.spanID = spanID
        return .success(link)
    }

    static func status(_ value: JSONValue, path: String) throws(CodecError) -> SpanStatus {
        var status = SpanStatus()
        for (key, member) in try JSONRead.object(value, path) {
            switch key {
            case "message": status.message = try JSONRead.string(member, path + ".message")
            case "code":
                let number = try JSONRead.enumValue(member, names: statusCodes, path + ".code")
                status.code = SpanStatus.Code(rawValue: number) ?? .unset
            default: continue
            }
        }
        return status
    }

    /// A `KeyValue` list.
    static func attributes(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> [Attribute] {
        let elements = try JSONRead.array(value, path())
        var out: [Attribute] = []
        out.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            guard case .object(let members) = element else { throw .wrongJSONType(field: "\(path())[\(i)]", expected: "an object") }
            var attribute = Attribute("", .empty)
            for (key, member) in members {
                switch key {
                case "key": attribute.key = try JSONRead.string(member, "\(path())[\(i)].key")
                case "value": attribute.value = try anyValue(member, "\(path())[\(i)].value")
                default: continue
                }
            }
            out.append(attribute)
        }
        return out
    }

    /// An `AnyValue`: `{}` (or null) is `.empty`; more than one value member is an error.
    static func anyValue(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> AttributeValue {
        var result = AttributeValue.empty
        var found: String?
        for (key, member) in try JSONRead.object(value, path()) {
            let decoded: AttributeValue
            switch key {
            case "stringValue": decoded = .string(try JSONRead.string(member, path() + ".stringValue"))
            case "boolValue": decoded = .bool(try JSONRead.bool(member, path() + ".boolValue"))
            case "intValue": decoded = .int(try JSONRead.int64(member, path() + ".intValue"))
            case "doubleValue": decoded = .double(try JSONRead.double(member, path() + ".doubleValue"))
            case "bytesValue":
                let text = try JSONRead.string(member, path() + ".bytesValue")
                guard let bytes = OTLPJSONDecoder.base64Decode(text) else {
                    throw .invalidValue(field: path() + ".bytesValue", reason: "\(JSONRead.quoted(text)) is not valid base64")
                }
                decoded = .bytes(bytes)
            case "arrayValue":
                var values: [AttributeValue] = []
                for (aKey, aMember) in try JSONRead.object(member, path() + ".arrayValue") where aKey == "values" {
                    values = []
                    for (i, element) in try JSONRead.array(aMember, path() + ".arrayValue.values").enumerated() {
                        values.append(try anyValue(element, "\(path()).arrayValue.values[\(i)]"))
                    }
                }
                decoded = .array(values)
            case "kvlistValue":
                var list: [Attribute] = []
                for (kKey, kMember) in try JSONRead.object(member, path() + ".kvlistValue") where kKey == "values" {
                    list = try attributes(kMember, path() + ".kvlistValue.values")
                }
                decoded = .keyValueList(list)
            default:
                continue
            }
            if case .null = member { continue }
            if let found {
                throw .invalidValue(field: path(), reason: "AnyValue has both \(found) and \(key); only one may be set")
            }
            found = key
            result = decoded
        }
        return result
    }
}

/// Span IDs given as hex text, checked with the rules every decoder applies (`SpanIdentityCheck`).
/// Byte lengths are half the digit count; text that is not whole bytes of hex is a wrong-length ID,
/// and the reason says it is not hex.
enum HexSpanIdentity {
    case valid(traceID: TraceID, spanID: SpanID, parentSpanID: SpanID)
    case invalid(String)

    /// - Parameter shortTraceIDs: accept 16-digit trace IDs, left-padded with zeros (Zipkin's 64-bit trace IDs).
    init(traceHex: String, spanHex: String, parentHex: String, shortTraceIDs: Bool = false) {
        let traceBytes = Self.byteLength(traceHex)
        let spanBytes = Self.byteLength(spanHex)
        let parentBytes = Self.byteLength(parentHex)
        let traceLength = shortTraceIDs && traceBytes == 8 ? 16 : traceBytes ?? -1
        let traceID = traceLength == 16 ? TraceID(hex: traceHex) : nil
        let spanID = spanBytes == 8 ? SpanID(hex: spanHex) : nil
        let placeholder = SpanID(1)

        guard traceBytes != nil else {
            self = .invalid(Self.notHex("traceId", traceHex, bytes: 16))
            return
        }
        guard let spanBytes else {
            self = .invalid(SpanIdentityCheck.problem(traceIDLength: traceLength, traceID: traceID, spanIDLength: 8, spanID: placeholder, parentLength: 0)
                ?? Self.notHex("spanId", spanHex, bytes: 8))
            return
        }
        guard let parentBytes else {
            self = .invalid(SpanIdentityCheck.problem(traceIDLength: traceLength, traceID: traceID, spanIDLength: spanBytes, spanID: spanID, parentLength: 0)
                ?? Self.notHex("parentSpanId", parentHex, bytes: 8))
            return
        }
        if let problem = SpanIdentityCheck.problem(traceIDLength: traceLength, traceID: traceID, spanIDLength: spanBytes, spanID: spanID, parentLength: parentBytes) {
            self = .invalid(problem)
            return
        }
        guard let traceID, let spanID else {
            self = .invalid("IDs could not be parsed")  // unreachable: the check above passed
            return
        }
        self = .valid(traceID: traceID, spanID: spanID, parentSpanID: parentBytes == 8 ? SpanID(hex: parentHex) ?? .none : .none)
    }

    /// Half the digit count, or nil when the text is not an even number of hex digits.
    private static func byteLength(_ text: String) -> Int? {
        var count = 0
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): count += 1
            default: return nil
            }
        }
        return count % 2 == 0 ? count / 2 : nil
    }

    private static func notHex(_ field: String, _ text: String, bytes: Int) -> String {
        "\(field) must be \(bytes) bytes (\(bytes * 2) hex digits), got \(JSONRead.quoted(text)), which is not hex"
    }
}

extension OTLPJSONDecoder {
    /// Decodes base64 (standard alphabet; the URL-safe `-` and `_` are also taken, as proto3 JSON
    /// parsers do); padding is optional. Nil for any other character or an impossible length.
    static func base64Decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var sextets = 0
        var padding = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c &- UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c &- UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c &- UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default:
                return nil
            }
            guard padding == 0 else { return nil }  // data after padding
            accumulator = accumulator << 6 | v
            sextets += 1
            if sextets == 4 {
                out.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                out.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
                sextets = 0
            }
        }
        switch sextets {
        case 0:
            guard padding == 0 else { return nil }
        case 2:
            guard padding == 0 || padding == 2 else { return nil }
            out.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            guard padding == 0 || padding == 1 else { return nil }
            out.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            out.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default:
            return nil
        }
        return out
    }
}
