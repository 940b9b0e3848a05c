import TrellisModel

/// The query-string parameters of a query-API request, read strictly: a route names the
/// parameters it takes, and each reader throws a `QueryParameterError` naming the parameter.
/// An empty value counts as absent (forms send `operation=` for "any").
public struct QueryParameters: Sendable {
    private let items: [(name: String, value: String)]

    public init(_ request: HTTPRequest) {
        items = request.queryItems
    }

    private init(items: [(name: String, value: String)]) {
        self.items = items
    }

    /// The same parameters with each alias renamed to its canonical name (`aliases[alias] =
    /// canonical`), so a route reads one name; giving both forms counts as giving it twice.
    public func renaming(aliases: [String: String]) -> QueryParameters {
        QueryParameters(items: items.map { (aliases[$0.name] ?? $0.name, $0.value) })
    }

    /// Throws for the first parameter not in `allowed`.
    public func reject(allowing allowed: [String]) throws(QueryParameterError) {
        for item in items where !allowed.contains(item.name) {
            throw .unknown(item.name, allowed: allowed)
        }
    }

    /// Every non-empty value of a repeatable parameter, in order.
    public func all(_ name: String) -> [String] {
        items.filter { $0.name == name && !$0.value.isEmpty }.map(\.value)
    }

    /// The value of a parameter given at most once; nil when absent or empty.
    public func single(_ name: String) throws(QueryParameterError) -> String? {
        let values = all(name)
        if values.count > 1 { throw .repeated(name) }
        return values.first
    }

    public func required(_ name: String) throws(QueryParameterError) -> String {
        guard let value = try single(name) else { throw .missing(name) }
        return value
    }

    public func positiveInteger(_ name: String) throws(QueryParameterError) -> Int? {
        guard let text = try single(name) else { return nil }
        guard let value = Int(text), value > 0 else { throw .notPositiveInteger(parameter: name, value: text) }
        return value
    }

    /// A positive whole number of `unitNanos` (Jaeger's `lookback` in milliseconds), in nanoseconds;
    /// more than 64 bits of nanoseconds hold is refused.
    public func positiveSpan(_ name: String, unitNanos: UInt64, unitName: String) throws(QueryParameterError) -> UInt64? {
        guard let count = try positiveInteger(name) else { return nil }
        let (nanos, overflow) = UInt64(count).multipliedReportingOverflow(by: unitNanos)
        guard !overflow else { throw .tooLarge(parameter: name, value: String(count), maximum: "\(UInt64.max / unitNanos) \(unitName)") }
        return nanos
    }

    /// `true` or `false` (also `1`/`0`, `t`/`f`, as Go's `strconv.ParseBool` reads them).
    public func bool(_ name: String) throws(QueryParameterError) -> Bool? {
        guard let text = try single(name) else { return nil }
        switch text.lowercased() {
        case "true", "t", "1": return true
        case "false", "f", "0": return false
        default: throw .notOneOf(parameter: name, value: text, allowed: ["true", "false"])
        }
    }

    /// A Go-style duration (`100ms`, `1.5s`), in nanoseconds.
    public func duration(_ name: String) throws(QueryParameterError) -> UInt64? {
        guard let text = try single(name) else { return nil }
        guard let nanos = DurationText.nanoseconds(text) else { throw .malformedDuration(parameter: name, value: text) }
        return nanos
    }

    /// An integer count of `unitNanos` since the Unix epoch (Jaeger's µs and ms times), in nanoseconds.
    public func epochTime(_ name: String, unitNanos: UInt64, unitName: String) throws(QueryParameterError) -> UInt64? {
        guard let text = try single(name) else { return nil }
        guard let value = UInt64(text), value <= UInt64.max / unitNanos else {
            throw .malformedTime(parameter: name, value: text, expected: "a time in \(unitName) since the Unix epoch")
        }
        return value * unitNanos
    }

    /// `start` and `end` (Unix µs, as Jaeger's search writes them) in nanoseconds: `end` defaults to
    /// now, `start` to `lookback` nanoseconds before `end`. Throws when `start` is after `end`.
    public func microsecondRange(lookback: UInt64) throws(QueryParameterError) -> (start: UInt64, end: UInt64) {
        let end = try epochTime("end", unitNanos: 1_000, unitName: "microseconds") ?? WallClock.nowNanos()
        let start = try epochTime("start", unitNanos: 1_000, unitName: "microseconds") ?? end - min(end, lookback)
        try Self.checkRange(start, end, names: ("start", "end"))
        return (start, end)
    }

    /// An RFC 3339 time, in nanoseconds since the Unix epoch.
    public func rfc3339Time(_ name: String) throws(QueryParameterError) -> UInt64? {
        guard let text = try single(name) else { return nil }
        guard let nanos = RFC3339.unixNanos(text) else {
            throw .malformedTime(parameter: name, value: text, expected: "an RFC 3339 time from 1970 to 2554 such as 2025-01-31T12:00:00Z")
        }
        return nanos
    }

    /// A span kind by its Jaeger name (`server`, `client`, `producer`, `consumer`, `internal`).
    public func spanKind(_ name: String) throws(QueryParameterError) -> SpanKind? {
        guard let text = try single(name) else { return nil }
        let kinds = SpanKind.allCases.filter { $0 != .unspecified }
        guard let kind = kinds.first(where: { $0.name == text.lowercased() }) else {
            throw .notOneOf(parameter: name, value: text, allowed: kinds.map(\.name))
        }
        return kind
    }

    /// Throws when both bounds are present and `lower > upper`.
    public static func checkRange<T: Comparable>(_ lower: T?, _ upper: T?, names: (String, String)) throws(QueryParameterError) {
        if let lower, let upper, lower > upper { throw .invertedRange(lower: names.0, upper: names.1) }
    }
}

extension TraceID {
    /// Parses a trace ID parameter: 32 hex digits (or Zipkin's 16), not all zero.
    init(parameter name: String, _ text: String) throws(QueryParameterError) {
        guard let id = TraceID(hex: text), id.isValid else { throw .malformedTraceID(parameter: name, value: text) }
        self = id
    }
}
