import TrellisModel

/// Maps Zipkin v2 spans to the model the way the OpenTelemetry Collector's Zipkin receiver does,
/// whichever encoding they came in:
///
/// - `localEndpoint.serviceName` becomes the resource's `service.name`, one `ResourceSpans` per
///   service in first-seen order (`unknown_service` when absent); spans are grouped into one
///   `ScopeSpans` per instrumentation scope, taken from the `otel.scope.name`/`otel.scope.version`
///   tags (or the legacy `otel.library.*` ones).
/// - `timestamp`/`duration` (microseconds) become start and end times in nanoseconds;
///   `annotations` become events named by their value.
/// - `tags` become string attributes, except the scope tags and the status tags:
///   `otel.status_code` (`OK`/`ERROR`) with `otel.status_description`, or else an `error` tag
///   (whose value is the message), set the span status.
/// - `localEndpoint` IP/port become `net.host.ip`/`net.host.port`; `remoteEndpoint` becomes
///   `peer.service`, `net.peer.ip`, `net.peer.port` (a tag of the same name wins).
/// - `debug: true` sets the W3C sampled flag.
/// - **Shared spans.** A `shared: true` SERVER span reuses its client's span ID in Zipkin; here it
///   gets its own ID (`sharedServerSpanID`), with the client span as its parent, and every other
///   span of the request whose parent was the shared ID now hangs under the server span, as
///   Jaeger's span-ID uniquifier swaps them: in Zipkin those are the server's children.
enum ZipkinTranslator {
    /// Tags that become the scope or the status rather than attributes.
    private static let consumedTags: Set<String> = [
        "otel.scope.name", "otel.scope.version", "otel.library.name", "otel.library.version",
        "otel.status_code", "otel.status_description", "error",
    ]

    static func decodedTraces(_ zipkinSpans: [ZipkinSpan], rejections: SpanRejections, repairedStrings: Set<String>) throws(CodecError) -> DecodedTraces {
        var serverIDs: [SharedSpanKey: SpanID] = [:]
        for span in zipkinSpans where span.shared && span.kind == .server {
            serverIDs[SharedSpanKey(traceID: span.traceID, spanID: span.spanID)] = sharedServerSpanID(traceID: span.traceID, sharedID: span.spanID)
        }
        var grouper = TraceBatchGrouper()
        for zipkinSpan in zipkinSpans {
            let (service, scope, translated) = try translate(zipkinSpan)
            var span = translated
            if let serverID = serverIDs[SharedSpanKey(traceID: span.traceID, spanID: zipkinSpan.spanID)], zipkinSpan.shared && zipkinSpan.kind == .server {
                span.parentSpanID = zipkinSpan.spanID
                span.spanID = serverID
            } else if let serverID = serverIDs[SharedSpanKey(traceID: span.traceID, spanID: span.parentSpanID)] {
                span.parentSpanID = serverID
            }
            grouper.append([span], resource: Resource(attributes: [Attribute("service.name", .string(service))]), resourceSchemaURL: "",
                           scope: scope, scopeSchemaURL: "")
        }
        return DecodedTraces(batch: grouper.batch, rejections: rejections, repairedStrings: repairedStrings)
    }

    private struct SharedSpanKey: Hashable {
        var traceID: TraceID
        var spanID: SpanID
    }

    private static func translate(_ z: ZipkinSpan) throws(CodecError) -> (service: String, scope: InstrumentationScope, span: Span) {
        func tag(_ key: String) -> String? { z.tags.first { $0.key == key }?.value }
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

        var attributes = z.tags.filter { !consumedTags.contains($0.key) }.map { Attribute($0.key, .string($0.value)) }
        func add(_ key: String, _ value: AttributeValue) {
            if attributes[key: key] == nil { attributes.append(Attribute(key, value)) }
        }
        if !z.localEndpoint.ip.isEmpty { add("net.host.ip", .string(z.localEndpoint.ip)) }
        if z.localEndpoint.port != 0 { add("net.host.port", .int(z.localEndpoint.port)) }
        if let remote = z.remoteEndpoint {
            if !remote.serviceName.isEmpty { add("peer.service", .string(remote.serviceName)) }
            if !remote.ip.isEmpty { add("net.peer.ip", .string(remote.ip)) }
            if remote.port != 0 { add("net.peer.port", .int(remote.port)) }
        }

        let (endMicros, overflow) = z.timestampMicros.addingReportingOverflow(z.durationMicros)
        guard !overflow else { throw .invalidValue(field: z.path + ".duration", reason: "timestamp + duration overflows") }
        var events: [SpanEvent] = []
        events.reserveCapacity(z.annotations.count)
        for (a, annotation) in z.annotations.enumerated() {
            events.append(SpanEvent(timeUnixNano: try nanos(micros: annotation.timestampMicros, "\(z.path).annotations[\(a)].timestamp"), name: annotation.value))
        }
        let span = Span(
            traceID: z.traceID, spanID: z.spanID, parentSpanID: z.parentSpanID,
            flags: z.debug ? 0x1 : 0, name: z.name, kind: z.kind,
            startTimeUnixNano: try nanos(micros: z.timestampMicros, z.path + ".timestamp"),
            endTimeUnixNano: try nanos(micros: endMicros, z.path + ".duration"),
            attributes: attributes, events: events, status: status)
        let service = z.localEndpoint.serviceName.contains(where: { !$0.isWhitespace }) ? z.localEndpoint.serviceName : "unknown_service"
        return (service, scope, span)
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
