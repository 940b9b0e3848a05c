import TrellisCodec
import TrellisModel
import TrellisStorage

/// A trace search as the query API runs it: a `TraceQuery` plus Jaeger-style tag conditions
/// (`key` = `value` as text, all on the same span).
///
/// Tags with plain string values on span or resource attributes go to the store as attribute
/// filters. The others (numbers and booleans, whose attribute type the text does not tell, and
/// the tags Jaeger derives such as `error`, `span.kind` or `otel.status_code`) are checked on
/// the fetched traces; the store is then asked for up to `candidateLimit` traces, so such a
/// search looks at that many of the newest matching traces.
public struct TraceSearch: Sendable {
    /// Tag keys that Jaeger derives from span fields rather than attributes.
    static let derivedKeys: Set<String> = ["span.kind", "error", "otel.status_code", "otel.status_description",
                                          "otel.scope.name", "otel.scope.version", "w3c.tracestate"]

    public var query: TraceQuery
    public var tags: [(key: String, value: String)]

    public init(query: TraceQuery, tags: [(key: String, value: String)] = []) {
        self.query = query
        self.tags = tags
    }

    /// Parses a JSON object of tags (Jaeger's `tags`, api/v3's `query.attributes`).
    static func tags(json text: String, parameter: String) throws(QueryParameterError) -> [(key: String, value: String)] {
        do {
            return try JSONStringObject.decode(text)
        } catch {
            throw .malformedTags(parameter: parameter, value: text, reason: "is not a JSON object of tags such as {\"http.method\":\"GET\"}: \(error)")
        }
    }

    /// Parses the Jaeger UI's tag box: `key=value key2="v 2"` (logfmt; a value in double quotes may
    /// hold spaces and `\"`).
    static func tags(logfmt text: String, parameter: String) throws(QueryParameterError) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " }
            guard !rest.isEmpty else { return out }
            guard let equals = rest.firstIndex(of: "="), equals != rest.startIndex, !rest[..<equals].contains(" ") else {
                throw .malformedTags(parameter: parameter, value: text, reason: "is not key=value pairs such as http.status_code=500 error=true")
            }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var closed = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if c == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else if c == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { throw .malformedTags(parameter: parameter, value: text, reason: "has an unclosed quote") }
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            out.append((key, value))
        }
    }

    /// Parses Jaeger's repeated `tag=key:value`.
    static func tag(pair text: String, parameter: String) throws(QueryParameterError) -> (key: String, value: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw .malformedTags(parameter: parameter, value: text, reason: "is not key:value")
        }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    private static func isStoreFilter(_ tag: (key: String, value: String)) -> Bool {
        !derivedKeys.contains(tag.key) && Double(tag.value) == nil && tag.value != "true" && tag.value != "false"
    }

    /// The matching traces, newest first, at most `query.limit`.
    func run(on reader: any TraceReader, candidateLimit: Int) async throws -> [TraceBatch] {
        var storeQuery = query
        storeQuery.attributes += tags.filter(Self.isStoreFilter).map { AttributeFilter.equals($0.key, .string($0.value)) }
        let checkTraces = !tags.allSatisfy(Self.isStoreFilter)
        if checkTraces { storeQuery.limit = max(query.limit, candidateLimit) }
        let found = try await reader.findTraces(storeQuery).lazy.map(\.trace)
        return Array((checkTraces ? Array(found.filter(matches)) : Array(found)).prefix(query.limit))
    }

    /// True when one span of the trace satisfies every condition.
    func matches(_ trace: TraceBatch) -> Bool {
        for rs in trace.resourceSpans where rs.resource.serviceName == query.service {
            for ss in rs.scopeSpans {
                for span in ss.spans where matches(span, scope: ss.scope, resource: rs.resource) { return true }
            }
        }
        return false
    }

    private func matches(_ span: Span, scope: InstrumentationScope, resource: Resource) -> Bool {
        if let operation = query.operation, span.name != operation { return false }
        if let kind = query.spanKind, span.kind != kind { return false }
        if let start = query.start, span.startTimeUnixNano < start { return false }
        if let end = query.end, span.startTimeUnixNano > end { return false }
        if let min = query.minDuration, span.durationNanos < min { return false }
        if let max = query.maxDuration, span.durationNanos > max { return false }
        let spanTags = JaegerTags.of(span, scope: scope) + resource.attributes
        return tags.allSatisfy { tag in
            spanTags.contains { $0.key == tag.key && Self.holds(tag.value, $0.value) }
        }
    }

    private static func holds(_ text: String, _ value: AttributeValue) -> Bool {
        if let number = Double(text), let have = value.numericValue { return number == have }
        return JaegerTags.text(of: value) == text
    }
}
