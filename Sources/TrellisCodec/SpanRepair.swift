import TrellisModel

/// What every receiver does to decoded spans before the pipeline sees them, so that no input,
/// whatever its protocol, stores a span the timeline and the archive cannot use. Each repair adds
/// a warning to the span (`Span.addWarning`), which Jaeger's JSON shows as the span's `warnings`.
///
/// The rules (README "Inputs repaired on the way in"):
/// - **Invalid UTF-8** in any string (names, attribute keys and values, events, links, status,
///   resource, scope) was already replaced by U+FFFD by the decoder, which lists the strings it
///   repaired in `DecodedTraces.repairedStrings`; every span that holds one, directly or through
///   its resource or scope, gets a warning naming where.
/// - **A blank span name** (empty or whitespace only) becomes `unknown_span`, as a blank
///   `service.name` reads as `unknown_service` (`Resource.serviceName`).
/// - **A missing start** (`0`) takes the end time when there is one, else the receive time.
/// - **A missing end** (`0`) or **an end before the start** becomes the start: duration 0.
/// - **An event without a time** (`0`) takes the span's start.
///
/// Jaeger's query-side adjusters and the collector's translators inspired these; as here, they
/// never let a zero time reach the timeline. Nothing is dropped.
public struct SpanRepair: Sendable {
    /// The name a span with a blank name is stored under.
    public static let unnamedSpanName = "unknown_span"

    /// What one call repaired: the number of spans each kind of repair touched.
    public struct Counts: Hashable, Sendable {
        public var invalidUTF8 = 0
        public var blankName = 0
        public var missingStart = 0
        public var missingEnd = 0
        public var endBeforeStart = 0
        public var eventWithoutTime = 0

        public init() {}

        /// `(label, count)` for each kind, the labels of `trellis_receiver_repaired_spans_total{repair}`.
        public var byKind: [(kind: String, count: Int)] {
            [("invalid_utf8", invalidUTF8), ("blank_name", blankName), ("missing_start", missingStart),
             ("missing_end", missingEnd), ("end_before_start", endBeforeStart), ("event_without_time", eventWithoutTime)]
        }
    }

    /// When the request arrived, in Unix nanoseconds: the start of a span that has no times at all.
    public let receiveTimeUnixNano: UInt64

    public init(receiveTimeUnixNano: UInt64) {
        self.receiveTimeUnixNano = receiveTimeUnixNano
    }

    /// Repairs `decoded.batch` in place. Spans that need nothing are not copied.
    public func apply(to decoded: inout DecodedTraces) -> Counts {
        var counts = Counts()
        let repaired = decoded.repairedStrings
        for r in decoded.batch.resourceSpans.indices {
            let resourceProblem = repaired.isEmpty ? nil : Self.utf8Problem(in: decoded.batch.resourceSpans[r].resource.attributes, repaired, "resource")
            for s in decoded.batch.resourceSpans[r].scopeSpans.indices {
                let scopeProblem = repaired.isEmpty ? nil : Self.utf8Problem(in: decoded.batch.resourceSpans[r].scopeSpans[s].scope, repaired)
                for i in decoded.batch.resourceSpans[r].scopeSpans[s].spans.indices {
                    let span = decoded.batch.resourceSpans[r].scopeSpans[s].spans[i]
                    var problems = [resourceProblem, scopeProblem].compactMap { $0 }
                    if !repaired.isEmpty, let problem = Self.utf8Problem(in: span, repaired) { problems.append(problem) }
                    guard !problems.isEmpty || needsTimeOrNameRepair(span) else { continue }
                    var fixed = span
                    if !problems.isEmpty {
                        counts.invalidUTF8 += 1
                        fixed.addWarning("invalid UTF-8 replaced with U+FFFD in " + problems.joined(separator: ", "))
                    }
                    repairTimesAndName(&fixed, counts: &counts)
                    decoded.batch.resourceSpans[r].scopeSpans[s].spans[i] = fixed
                }
            }
        }
        return counts
    }

    private func needsTimeOrNameRepair(_ span: Span) -> Bool {
        span.startTimeUnixNano == 0 || span.endTimeUnixNano < span.startTimeUnixNano || span.endTimeUnixNano == 0
            || Self.isBlank(span.name)
            || span.events.contains { $0.timeUnixNano == 0 }
    }

    private func repairTimesAndName(_ span: inout Span, counts: inout Counts) {
        if Self.isBlank(span.name) {
            counts.blankName += 1
            span.addWarning("the span name was blank; it is stored as \(Self.unnamedSpanName)")
            span.name = Self.unnamedSpanName
        }
        if span.startTimeUnixNano == 0 {
            counts.missingStart += 1
            if span.endTimeUnixNano != 0 {
                span.startTimeUnixNano = span.endTimeUnixNano
                span.addWarning("the start time was missing; the end time was used, so the duration is 0")
            } else {
                span.startTimeUnixNano = receiveTimeUnixNano
                span.endTimeUnixNano = receiveTimeUnixNano
                span.addWarning("the start and end times were missing; the time Trellis received the span was used")
            }
        }
        if span.endTimeUnixNano == 0 {
            counts.missingEnd += 1
            span.endTimeUnixNano = span.startTimeUnixNano
            span.addWarning("the end time was missing; the duration is taken as 0")
        } else if span.endTimeUnixNano < span.startTimeUnixNano {
            counts.endBeforeStart += 1
            span.addWarning("the end time was \(span.startTimeUnixNano - span.endTimeUnixNano) ns before the start time; the duration is taken as 0")
            span.endTimeUnixNano = span.startTimeUnixNano
        }
        if span.events.contains(where: { $0.timeUnixNano == 0 }) {
            counts.eventWithoutTime += 1
            for e in span.events.indices where span.events[e].timeUnixNano == 0 {
                span.events[e].timeUnixNano = span.startTimeUnixNano
                span.addWarning("event \(span.events[e].name.debugDescription) had no time; the span's start time was used")
            }
        }
    }

    /// Empty or only whitespace; an ASCII first character decides without walking the characters.
    private static func isBlank(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return true }
        if first < 0x80 && first != 0x20 && !(0x09...0x0D).contains(first) { return false }
        return !text.contains { !$0.isWhitespace }
    }

    // MARK: Finding repaired strings

    private static func utf8Problem(in span: Span, _ repaired: Set<String>) -> String? {
        var places: [String] = []
        if repaired.contains(span.name) { places.append("the span name") }
        if repaired.contains(span.traceState) { places.append("the trace state") }
        if repaired.contains(span.status.message) { places.append("the status message") }
        if let problem = utf8Problem(in: span.attributes, repaired, "the span's attributes") { places.append(problem) }
        for event in span.events where repaired.contains(event.name) || holdsRepaired(event.attributes, repaired) {
            places.append("event \(event.name.debugDescription)")
        }
        if span.links.contains(where: { repaired.contains($0.traceState) || holdsRepaired($0.attributes, repaired) }) {
            places.append("a link")
        }
        return places.isEmpty ? nil : places.joined(separator: ", ")
    }

    private static func utf8Problem(in scope: InstrumentationScope, _ repaired: Set<String>) -> String? {
        repaired.contains(scope.name) || repaired.contains(scope.version) || holdsRepaired(scope.attributes, repaired)
            ? "the instrumentation scope" : nil
    }

    private static func utf8Problem(in attributes: [Attribute], _ repaired: Set<String>, _ place: String) -> String? {
        holdsRepaired(attributes, repaired) ? place : nil
    }

    private static func holdsRepaired(_ attributes: [Attribute], _ repaired: Set<String>) -> Bool {
        attributes.contains { repaired.contains($0.key) || holdsRepaired($0.value, repaired) }
    }

    private static func holdsRepaired(_ value: AttributeValue, _ repaired: Set<String>) -> Bool {
        switch value {
        case .string(let s): return repaired.contains(s)
        case .array(let values): return values.contains { holdsRepaired($0, repaired) }
        case .keyValueList(let list): return holdsRepaired(list, repaired)
        case .bool, .int, .double, .bytes, .empty: return false
        }
    }
}
