import TrellisModel

/// Maps Jaeger spans to the model the way the OpenTelemetry Collector's Jaeger receiver
/// translates them:
///
/// - the process becomes the resource: `serviceName` as `service.name`, its tags as attributes;
/// - `parentSpanId` (or else the first CHILD_OF reference in the same trace) is the parent; every
///   other reference becomes a link;
/// - tags become attributes, except those the model holds elsewhere: `span.kind` sets the kind,
///   `otel.status_code` (`OK`/`ERROR`) with `otel.status_description` set the status (else an
///   `error` tag that is true makes it ERROR), `otel.scope.*` or the older `otel.library.*` set the
///   instrumentation scope, `w3c.tracestate` the trace state;
/// - logs become events, named by their `event` field, or else by `message` (what the OpenTelemetry
///   SDKs' Jaeger exporters write the event name as); the other fields become its attributes;
/// - `flags` keeps the sampled bit as the W3C sampled flag; Jaeger's `warnings` are kept as span warnings.
///
/// A span whose trace ID or span ID is zero is rejected on its own.
enum JaegerTranslator {
    private static let kinds: [String: SpanKind] = [
        "client": .client, "server": .server, "producer": .producer, "consumer": .consumer, "internal": .internal,
    ]
    private static let consumedTags: Set<String> = [
        "span.kind", "otel.status_code", "otel.status_description", "error",
        "otel.scope.name", "otel.scope.version", "otel.library.name", "otel.library.version", "w3c.tracestate",
    ]

    static func decodedTraces(_ spans: [JaegerSpan], batchProcess: JaegerProcess?, rejections: SpanRejections, repairedStrings: Set<String>) -> DecodedTraces {
        var rejections = rejections
        var grouper = TraceBatchGrouper()
        for jaeger in spans {
            if let problem = SpanIdentityCheck.problem(traceIDLength: 16, traceID: jaeger.traceID, spanIDLength: 8, spanID: jaeger.spanID, parentLength: 0) {
                rejections.reject("\(jaeger.path): \(problem)")
                continue
            }
            let process = jaeger.process ?? batchProcess ?? JaegerProcess()
            let (scope, span) = translate(jaeger)
            grouper.append([span], resource: Resource(attributes: [Attribute("service.name", .string(process.serviceName))] + process.tags),
                           resourceSchemaURL: "", scope: scope, scopeSchemaURL: "")
        }
        return DecodedTraces(batch: grouper.batch, rejections: rejections, repairedStrings: repairedStrings)
    }

    private static func translate(_ j: JaegerSpan) -> (InstrumentationScope, Span) {
        func tag(_ key: String) -> AttributeValue? { j.tags[key: key] }
        func text(_ key: String) -> String? { tag(key)?.stringValue }

        var parent = j.parentSpanID
        var links: [SpanLink] = []
        for reference in j.references {
            if !parent.isValid && reference.type == .childOf && reference.traceID == j.traceID {
                parent = reference.spanID
            } else if !(reference.type == .childOf && reference.traceID == j.traceID && reference.spanID == parent) {
                links.append(SpanLink(traceID: reference.traceID, spanID: reference.spanID))
            }
        }

        var status = SpanStatus.unset
        switch text("otel.status_code") {
        case "ERROR": status = SpanStatus(code: .error, message: text("otel.status_description") ?? "")
        case "OK": status = SpanStatus(code: .ok)
        default:
            switch tag("error") {
            case .bool(true), .string("true"): status = SpanStatus(code: .error, message: text("otel.status_description") ?? "")
            default: break
            }
        }
        let kindText = text("span.kind")
        let kind = kindText.flatMap { kinds[$0] } ?? .unspecified
        let scope = InstrumentationScope(name: text("otel.scope.name") ?? text("otel.library.name") ?? "",
                                         version: text("otel.scope.version") ?? text("otel.library.version") ?? "")
        var attributes = j.tags.filter { !consumedTags.contains($0.key) }
        if let kindText, kinds[kindText] == nil { attributes.append(Attribute("span.kind", .string(kindText))) }

        let events = j.logs.map { log in
            let nameKey = log.fields[key: "event"]?.stringValue != nil ? "event" : log.fields[key: "message"]?.stringValue != nil ? "message" : nil
            return SpanEvent(timeUnixNano: log.timeUnixNano, name: nameKey.flatMap { log.fields[key: $0]?.stringValue } ?? "",
                             attributes: log.fields.filter { $0.key != nameKey })
        }
        let (end, overflow) = j.startTimeUnixNano.addingReportingOverflow(j.durationNanos)
        var span = Span(
            traceID: j.traceID, spanID: j.spanID, parentSpanID: parent, traceState: text("w3c.tracestate") ?? "",
            flags: j.flags & 0x1, name: j.operationName, kind: kind,
            startTimeUnixNano: j.startTimeUnixNano, endTimeUnixNano: overflow ? UInt64.max : end,
            attributes: attributes, events: events, links: links, status: status)
        for warning in j.warnings { span.addWarning(warning) }
        return (scope, span)
    }
}
