import TrellisModel

/// Decodes Zipkin v2 JSON (`POST /api/v2/spans` with `application/json`: a JSON array of spans)
/// into the model, through `ZipkinTranslator`.
///
/// `kind` must be CLIENT, SERVER, PRODUCER or CONSUMER; absent (or empty) is `.unspecified`:
/// Zipkin has no INTERNAL kind, and a span without one says nothing about its kind.
/// A span with invalid IDs is dropped and reported in `DecodedTraces.rejections`; a body that is
/// not an array, or a member of the wrong type, fails the request with a path such as `[3].timestamp`.
public struct ZipkinJSONDecoder: Sendable {
    private let parser: JSONParser

    /// - Parameter maxDepth: how deeply arrays and objects may nest in the body.
    public init(maxDepth: Int = 128) {
        parser = JSONParser(maxDepth: maxDepth)
    }

    public func decode(_ bytes: [UInt8]) throws(CodecError) -> DecodedTraces {
        var repairedStrings: Set<String> = []
        guard case .array(let elements) = try parser.parse(bytes, repairedStrings: &repairedStrings) else {
            throw .wrongJSONType(field: "request body", expected: "a JSON array of Zipkin v2 spans")
        }
        var rejections = SpanRejections()
        var spans: [ZipkinSpan] = []
        spans.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            if let span = try Self.span(element, path: "[\(i)]", rejections: &rejections) { spans.append(span) }
        }
        return try ZipkinTranslator.decodedTraces(spans, rejections: rejections, repairedStrings: repairedStrings)
    }

    private static let kinds: [String: SpanKind] = ["CLIENT": .client, "SERVER": .server, "PRODUCER": .producer, "CONSUMER": .consumer]

    private static func span(_ value: JSONValue, path: String, rejections: inout SpanRejections) throws(CodecError) -> ZipkinSpan? {
        guard case .object(let members) = value else {
            throw .wrongJSONType(field: path, expected: "an object (a Zipkin span)")
        }
        var traceHex = "", idHex = "", parentHex = ""
        // The IDs are set once checked, after the loop.
        var span = ZipkinSpan(traceID: TraceID(high: 0, low: 0), spanID: .none, parentSpanID: .none, path: path)
        for (key, member) in members {
            switch key {
            case "traceId": traceHex = try JSONRead.string(member, path + ".traceId")
            case "id": idHex = try JSONRead.string(member, path + ".id")
            case "parentId": parentHex = try JSONRead.string(member, path + ".parentId")
            case "name": span.name = try JSONRead.string(member, path + ".name")
            case "kind":
                let text = try JSONRead.string(member, path + ".kind")
                guard text.isEmpty || kinds[text] != nil else {
                    throw .invalidValue(field: path + ".kind", reason: "\(JSONRead.quoted(text)) is not one of CLIENT, SERVER, PRODUCER, CONSUMER")
                }
                span.kind = kinds[text] ?? .unspecified
            case "timestamp": span.timestampMicros = try JSONRead.uint64(member, path + ".timestamp")
            case "duration": span.durationMicros = try JSONRead.uint64(member, path + ".duration")
            case "localEndpoint": span.localEndpoint = try endpoint(member, path: path + ".localEndpoint")
            case "remoteEndpoint": span.remoteEndpoint = try endpoint(member, path: path + ".remoteEndpoint")
            case "tags":
                span.tags = []
                for (tag, tagValue) in try JSONRead.object(member, path + ".tags") {
                    span.tags.append((tag, try JSONRead.string(tagValue, "\(path).tags[\(JSONRead.quoted(tag))]")))
                }
            case "annotations":
                span.annotations = []
                for (a, annotation) in try JSONRead.array(member, path + ".annotations").enumerated() {
                    span.annotations.append(try self.annotation(annotation, path: "\(path).annotations[\(a)]"))
                }
            case "debug": span.debug = try JSONRead.bool(member, path + ".debug")
            case "shared": span.shared = try JSONRead.bool(member, path + ".shared")
            default: continue
            }
        }
        switch HexSpanIdentity(traceHex: traceHex, spanHex: idHex, parentHex: parentHex, shortTraceIDs: true) {
        case .invalid(let reason):
            rejections.reject("\(path): \(reason)")
            return nil
        case .valid(let traceID, let spanID, let parentSpanID):
            (span.traceID, span.spanID, span.parentSpanID) = (traceID, spanID, parentSpanID)
            return span
        }
    }

    private static func endpoint(_ value: JSONValue, path: String) throws(CodecError) -> ZipkinSpan.Endpoint {
        var endpoint = ZipkinSpan.Endpoint()
        var ipv4 = "", ipv6 = ""
        for (key, member) in try JSONRead.object(value, path) {
            switch key {
            case "serviceName": endpoint.serviceName = try JSONRead.string(member, path + ".serviceName")
            case "ipv4": ipv4 = try JSONRead.string(member, path + ".ipv4")
            case "ipv6": ipv6 = try JSONRead.string(member, path + ".ipv6")
            case "port":
                let port = try JSONRead.int64(member, path + ".port")
                guard (0...65535).contains(port) else {
                    throw .invalidValue(field: path + ".port", reason: "\(port) is not a port number")
                }
                endpoint.port = port
            default: continue
            }
        }
        endpoint.ip = ipv4.isEmpty ? ipv6 : ipv4
        return endpoint
    }

    private static func annotation(_ value: JSONValue, path: String) throws(CodecError) -> ZipkinSpan.Annotation {
        guard case .object(let members) = value else { throw .wrongJSONType(field: path, expected: "an object") }
        var annotation = ZipkinSpan.Annotation(timestampMicros: 0, value: "")
        for (key, member) in members {
            switch key {
            case "timestamp": annotation.timestampMicros = try JSONRead.uint64(member, path + ".timestamp")
            case "value": annotation.value = try JSONRead.string(member, path + ".value")
            default: continue
            }
        }
        return annotation
    }
}
