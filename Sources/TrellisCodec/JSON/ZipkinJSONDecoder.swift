import TrellisModel

/// Decodes Zipkin v2 JSON (`POST /api/v2/spans`: a JSON array of spans) into the model,
/// mapping it the way the OpenTelemetry Collector's Zipkin receiver does:
///
/// - `localEndpoint.serviceName` becomes the resource's `service.name`, one `ResourceSpans` per
///   service in first-seen order (`unknown_service` when absent); spans are grouped into one
///   `ScopeSpans` per instrumentation scope, taken from the `otel.scope.name`/`otel.scope.version`
///   tags (or the legacy `otel.library.*` ones).
/// - `kind` CLIENT/SERVER/PRODUCER/CONSUMER maps to `SpanKind`; absent (or empty) is `.unspecified`:
///   Zipkin has no INTERNAL kind, and a span without one says nothing about its kind.
/// - `timestamp`/`duration` (microseconds) become start and end times in nanoseconds;
///   `annotations` become events named by their value.
/// - `tags` become string attributes, except the scope tags and the status tags:
///   `otel.status_code` (`OK`/`ERROR`) with `otel.status_description`, or else an `error` tag
///   (whose value is the message), set the span status.
/// - `localEndpoint` IP/port become `net.host.ip`/`net.host.port`; `remoteEndpoint` becomes
///   `peer.service`, `net.peer.ip`, `net.peer.port` (a tag of the same name wins).
/// - `debug: true` sets the W3C sampled flag.
/// - A `shared: true` SERVER span reuses its client's span ID in Zipkin; here it gets its own ID,
///   derived deterministically from the trace and shared IDs, with the client span as its parent.
///
/// A span with invalid IDs is dropped and reported in `DecodedTraces.rejections`; a body that is
/// not an array, or a member of the wrong type, fails the request with a path such as `[3].timestamp`.
public struct ZipkinJSONDecoder: Sendable {
    private let parser: JSONParser

    /// - Parameter maxDepth: how deeply arrays and objects may nest in the body.
    public init(maxDepth: Int = 128) {
        parser = JSONParser(maxDepth: maxDepth)
    }

    public func decode(_ bytes: [UInt8]) throws(CodecError) -> DecodedTraces {
        guard case .array(let elements) = try parser.parse(bytes) else {
            throw .wrongJSONType(field: "request body", expected: "a JSON array of Zipkin v2 spans")
        }
        var rejections = SpanRejections()
        var resources: [ResourceSpans] = []
        var resourceIndex: [String: Int] = [:]
        var scopeIndex: [[InstrumentationScope: Int]] = []
        for (i, element) in elements.enumerated() {
            let path = "[\(i)]"
            guard let decoded = try Self.span(element, path: path, rejections: &rejections) else { continue }
            let r: Int
            if let existing = resourceIndex[decoded.service] {
                r = existing
            } else {
                r = resources.count
                resourceIndex[decoded.service] = r
                resources.append(ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(decoded.service))]), scopeSpans: []))
                scopeIndex.append([:])
            }
            if let s = scopeIndex[r][decoded.scope] {
                resources[r].scopeSpans[s].spans.append(decoded.span)
            } else {
                scopeIndex[r][decoded.scope] = resources[r].scopeSpans.count
                resources[r].scopeSpans.append(ScopeSpans(scope: decoded.scope, spans: [decoded.span]))
            }
        }
        return DecodedTraces(batch: TraceBatch(resourceSpans: resources), rejections: rejections)
    }

    // MARK: One span

    private static let kinds: [String: SpanKind] = ["CLIENT": .client, "SERVER": .server, "PRODUCER": .producer, "CONSUMER": .consumer]

    /// Tags that become the scope or the status rather than attributes.
    private static let consumedTags: Set<String> = [
        "otel.scope.name", "otel.scope.version", "otel.library.name", "otel.library.version",
        "otel.status_code", "otel.status_description", "error",
    ]

    private struct Endpoint {
        var serviceName = ""
        var ip = ""
        var port: Int64 = 0
    }

    private static func span(
        _ value: JSONValue, path: String, rejections: inout SpanRejections
    ) throws(CodecError) -> (service: String, scope: InstrumentationScope, span: Span)? {
        guard case .object(let members) = value else {
            throw .wrongJSONType(field: path, expected: "an object (a Zipkin span)")
        }
        var traceHex = "", idHex = "", parentHex = ""
        var name = ""
        var kind = SpanKind.unspecified
        var timestamp: UInt64 = 0, duration: UInt64 = 0
        var local = Endpoint(), remote: Endpoint?
        var tags: [(key: String, value: String)] = []
        var events: [SpanEvent] = []
        var debug = false, shared = false
        for (key, member) in members {
            switch key {
            case "traceId": traceHex = try JSONRead.string(member, path + ".traceId")
            case "id": idHex = try JSONRead.string(member, path + ".id")
            case "parentId": parentHex = try JSONRead.string(member, path + ".parentId")
            case "name": name = try JSONRead.string(member, path + ".name")
            case "kind":
                let text = try JSONRead.string(member, path + ".kind")
                guard text.isEmpty || kinds[text] != nil else {
                    throw .invalidValue(field: path + ".kind", reason: "\(JSONRead.quoted(text)) is not one of CLIENT, SERVER, PRODUCER, CONSUMER")
                }
                kind = kinds[text] ?? .unspecified
            case "timestamp": timestamp = try JSONRead.uint64(member, path + ".timestamp")
            case "duration": duration = try JSONRead.uint64(member, path + ".duration")
            case "localEndpoint": local = try endpoint(member, path: path + ".localEndpoint")
            case "remoteEndpoint": remote = try endpoint(member, path: path + ".remoteEndpoint")
            case "tags":
                tags = []
                for (tag, tagValue) in try JSONRead.object(member, path + ".tags") {
                    tags.append((tag, try JSONRead.string(tagValue, "\(path).tags[\(JSONRead.quoted(tag))]")))
                }
            case "annotations":
                events = []
                for (a, annotation) in try JSONRead.array(member, path + ".annotations").enumerated() {
                    events.append(try event(annotation, path: "\(path).annotations[\(a)]"))
                }
            case "debug": debug = try JSONRead.bool(member, path + ".debug")
            case "shared": shared = try JSONRead.bool(member, path + ".shared")
            default: continue
            }
        }

        let (traceID, spanID, parentSpanID): (TraceID, SpanID, SpanID)
        switch HexSpanIdentity(traceHex: traceHex, spanHex: idHex, parentHex: parentHex, shortTraceIDs: true) {
        case .invalid(let reason):
            rejections.reject("\(path): \(reason)")
            return nil
        case .valid(let t, let s, let p):
            if shared && kind == .server {
                (traceID, spanID, parentSpanID) = (t, sharedServerSpanID(traceID: t, sharedID: s), s)
            } else {
                (traceID, spanID, parentSpanID) = (t, s, p)
            }
        }

        func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }
        let scope = InstrumentationScope(
            name: tag("otel.scope.name") ?? tag("otel.library.name") ?? "",
            version: tag("otel.scope.version") ?? tag("otel.library.version") ?? "")
        var status = SpanStatus.unset
        switch tag("otel.status_code") {
        case "ERROR": status = SpanStatus(code: .error, message: tag("otel.status_description") ?? tag("error") ?? "")
        case "OK": status = SpanStatus(code: .ok)
        case "UNSET": break
        default:
            if let message = tag("error") { status = SpanStatus(code: .error, message: message) }
        }

        var attributes = tags.filter { !consumedTags.contains($0.key) }.map { Attribute($0.key, .string($0.value)) }
        func add(_ key: String, _ value: AttributeValue) {
            if attributes[key: key] == nil { attributes.append(Attribute(key, value)) }
        }
        if !local.ip.isEmpty { add("net.host.ip", .string(local.ip)) }
        if local.port != 0 { add("net.host.port", .int(local.port)) }
        if let remote {
            if !remote.serviceName.isEmpty { add("peer.service", .string(remote.serviceName)) }
            if !remote.ip.isEmpty { add("net.peer.ip", .string(remote.ip)) }
            if remote.port != 0 { add("net.peer.port", .int(remote.port)) }
        }

        let start = try nanos(micros: timestamp, path + ".timestamp")
        let (endMicros, overflow) = timestamp.addingReportingOverflow(duration)
        guard !overflow else { throw .invalidValue(field: path + ".duration", reason: "timestamp + duration overflows") }
        let span = Span(
            traceID: traceID, spanID: spanID, parentSpanID: parentSpanID,
            flags: debug ? 0x1 : 0, name: name, kind: kind,
            startTimeUnixNano: start, endTimeUnixNano: try nanos(micros: endMicros, path + ".duration"),
            attributes: attributes, events: events, status: status)
        return (local.serviceName.isEmpty ? "unknown_service" : local.serviceName, scope, span)
    }

    private static func endpoint(_ value: JSONValue, path: String) throws(CodecError) -> Endpoint {
        var endpoint = Endpoint()
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

    private static func event(_ value: JSONValue, path: String) throws(CodecError) -> SpanEvent {
        guard case .object(let members) = value else { throw .wrongJSONType(field: path, expected: "an object") }
        var event = SpanEvent(timeUnixNano: 0, name: "")
        for (key, member) in members {
            switch key {
            case "timestamp": event.timeUnixNano = try nanos(micros: try JSONRead.uint64(member, path + ".timestamp"), path + ".timestamp")
            case "value": event.name = try JSONRead.string(member, path + ".value")
            default: continue
            }
        }
        return event
    }

    private static func nanos(micros: UInt64, _ path: @autoclosure () -> String) throws(CodecError) -> UInt64 {
        let (value, overflow) = micros.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw .invalidValue(field: path(), reason: "\(micros) microseconds does not fit in 64-bit nanoseconds") }
        return value
    }

    /// A span ID for the server half of a shared Zipkin span: FNV-1a 64 over the trace ID's
    /// 16 bytes and the shared span ID's 8 bytes, never zero, so every receiver derives the same one.
    static func sharedServerSpanID(traceID: TraceID, sharedID: SpanID) -> SpanID {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in traceID.bytes + sharedID.bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return SpanID(hash == 0 ? 1 : hash)
    }
}
