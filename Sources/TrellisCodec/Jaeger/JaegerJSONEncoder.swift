import TrellisModel

/// Encodes traces as Jaeger's query API JSON (the `ui.Trace` shape the Jaeger UI and Grafana read).
///
/// A trace is `{"traceID","spans","processes","warnings"}`. Each resource becomes a process
/// (`p1`, `p2`, … in order of first appearance, identical resources shared) with its
/// `serviceName` and its other attributes as tags. Each span carries `references` (the parent as
/// `CHILD_OF`, then each link as `FOLLOWS_FROM`), `startTime` and `duration` in microseconds,
/// `tags` from `JaegerTags`, `logs` from its events (the event name as the `event` field),
/// `processID`, `flags` (the W3C trace flags) and `warnings` (`Span.warnings`, or null). Spans are ordered by start time.
///
/// Tags are `{"key","type","value"}`; `int64` values beyond ±2^53, which JavaScript cannot hold
/// exactly, are written as decimal strings; `binary` values in base64.
public struct JaegerJSONEncoder: Sendable {
    /// The largest integer a JSON number carries exactly in JavaScript.
    static let maxSafeInteger: Int64 = 1 << 53

    public init() {}

    /// One trace as a JSON object.
    public func encode(_ trace: TraceBatch) -> [UInt8] {
        var w = JSONWriter(capacity: 256 + trace.spanCount * 768)
        write(trace, into: &w)
        return w.bytes
    }

    /// Writes one trace as the next value of `w`.
    public func write(_ trace: TraceBatch, into w: inout JSONWriter) {
        var processIDs: [Resource: String] = [:]
        var processes: [(id: String, resource: Resource)] = []
        var spans: [(span: Span, scope: InstrumentationScope, processID: String)] = []
        for rs in trace.resourceSpans {
            let id: String
            if let known = processIDs[rs.resource] {
                id = known
            } else {
                id = "p\(processes.count + 1)"
                processIDs[rs.resource] = id
                processes.append((id, rs.resource))
            }
            for ss in rs.scopeSpans {
                for span in ss.spans { spans.append((span, ss.scope, id)) }
            }
        }
        spans.sort { ($0.span.startTimeUnixNano, $0.span.spanID) < ($1.span.startTimeUnixNano, $1.span.spanID) }

        w.beginObject()
        w.key("traceID")
        w.string(spans.first?.span.traceID.hex ?? "")
        w.key("spans")
        w.beginArray()
        for entry in spans { Self.span(entry.span, scope: entry.scope, processID: entry.processID, into: &w) }
        w.endArray()
        w.key("processes")
        w.beginObject()
        for process in processes {
            w.key(process.id)
            w.beginObject()
            w.key("serviceName")
            w.string(process.resource.serviceName)
            w.key("tags")
            Self.tags(JaegerTags.of(process.resource), into: &w)
            w.endObject()
        }
        w.endObject()
        w.key("warnings")
        w.null()
        w.endObject()
    }

    private static func span(_ span: Span, scope: InstrumentationScope, processID: String, into w: inout JSONWriter) {
        w.beginObject()
        w.key("traceID")
        w.string(span.traceID.hex)
        w.key("spanID")
        w.string(span.spanID.hex)
        w.key("operationName")
        w.string(span.name)
        w.key("references")
        w.beginArray()
        if span.parentSpanID.isValid { reference("CHILD_OF", span.traceID, span.parentSpanID, into: &w) }
        for link in span.links { reference("FOLLOWS_FROM", link.traceID, link.spanID, into: &w) }
        w.endArray()
        w.key("startTime")
        w.uint(span.startTimeUnixNano / 1000)
        w.key("duration")
        w.uint(span.durationNanos / 1000)
        w.key("tags")
        tags(JaegerTags.of(span, scope: scope), into: &w)
        w.key("logs")
        w.beginArray()
        for event in span.events {
            w.beginObject()
            w.key("timestamp")
            w.uint(event.timeUnixNano / 1000)
            w.key("fields")
            tags([Attribute("event", .string(event.name))] + event.attributes, into: &w)
            w.endObject()
        }
        w.endArray()
        w.key("processID")
        w.string(processID)
        w.key("flags")
        w.uint(UInt64(span.flags & 0xFF))
        w.key("warnings")
        let warnings = span.warnings
        if warnings.isEmpty {
            w.null()
        } else {
            w.beginArray()
            for warning in warnings { w.string(warning) }
            w.endArray()
        }
        w.endObject()
    }

    private static func reference(_ type: String, _ traceID: TraceID, _ spanID: SpanID, into w: inout JSONWriter) {
        w.beginObject()
        w.key("refType")
        w.string(type)
        w.key("traceID")
        w.string(traceID.hex)
        w.key("spanID")
        w.string(spanID.hex)
        w.endObject()
    }

    private static func tags(_ tags: [Attribute], into w: inout JSONWriter) {
        w.beginArray()
        for tag in tags {
            w.beginObject()
            w.key("key")
            w.string(tag.key)
            w.key("type")
            w.string(JaegerTags.type(of: tag.value))
            w.key("value")
            switch tag.value {
            case .bool(let b): w.bool(b)
            case .int(let i) where i > maxSafeInteger || i < -maxSafeInteger: w.string(String(i))
            case .int(let i): w.int(i)
            case .double(let d): w.double(d)
            default: w.string(JaegerTags.text(of: tag.value))
            }
            w.endObject()
        }
        w.endArray()
    }
}
