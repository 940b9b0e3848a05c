import TrellisModel

/// The time range a page shows, from its `lookback`, `start` and `end` parameters.
///
/// - `lookback` is a Go duration such as `30m`, whole days such as `2d`, or the Jaeger UI's
///   `custom`, which takes the range from `start` (required) and `end` (default now).
/// - `start` and `end` are Unix µs, as the Jaeger UI's URLs write them, or UTC dates and times,
///   as the forms' date fields send them (`2026-11-30T09:00`, seconds optional). Unix µs count
///   with any lookback, so a shared Jaeger link shows the range it was made for; dates count only
///   with `custom`, so a form whose date fields still hold an earlier custom range searches the
///   lookback chosen instead.
struct UIRange {
    /// The lookbacks the forms offer.
    static let lookbacks = ["5m", "15m", "30m", "1h", "2h", "3h", "6h", "12h", "24h", "2d", "7d"]

    /// `lookback` as written (`custom` for a range of its own).
    let lookback: String
    /// Unix ns.
    let start: UInt64
    let end: UInt64
    /// Whether `start` or `end` came from the parameters (else the range counts back from now).
    let isFixed: Bool

    var isCustom: Bool { lookback == "custom" }

    /// How the range reads in a sentence: `the last 1h`, or `the chosen range`.
    var phrase: String { isCustom ? "the chosen range" : "the last \(lookback)" }

    init(_ p: QueryParameters, defaultLookback: String) throws(QueryParameterError) {
        let lookback = try p.single("lookback") ?? defaultLookback
        let nanos: UInt64
        if lookback == "custom" {
            guard try p.single("start") != nil else { throw .missing("start") }
            nanos = 0
        } else {
            nanos = try Self.nanoseconds(lookback: lookback)
        }
        func time(_ name: String) throws(QueryParameterError) -> UInt64? {
            guard let text = try p.single(name) else { return nil }
            if text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                return try p.epochTime(name, unitNanos: 1_000, unitName: "microseconds")
            }
            guard lookback == "custom" else { return nil }
            let utc = text.utf8.count == 16 ? text + ":00Z" : text.utf8.count == 19 ? text + "Z" : text
            guard let date = RFC3339.unixNanos(utc) else {
                throw .malformedTime(parameter: name, value: text, expected: "Unix microseconds or a UTC date and time such as 2026-11-30T09:00")
            }
            return date
        }
        let (givenStart, givenEnd) = (try time("start"), try time("end"))
        let end = givenEnd ?? WallClock.nowNanos()
        let start = givenStart ?? end - min(end, nanos)
        try QueryParameters.checkRange(start, end, names: ("start", "end"))
        (self.lookback, self.start, self.end, isFixed) = (lookback, start, end, givenStart != nil || givenEnd != nil)
    }

    /// A lookback other than `custom` in nanoseconds.
    static func nanoseconds(lookback text: String) throws(QueryParameterError) -> UInt64 {
        if text.hasSuffix("d"), let days = UInt64(text.dropLast()), days > 0, days <= 366 { return days * 86_400_000_000_000 }
        guard let nanos = DurationText.nanoseconds(text), nanos > 0 else {
            throw .notOneOf(parameter: "lookback", value: text, allowed: lookbacks + ["custom"])
        }
        return nanos
    }

    /// The same range as query parameters for a link to another page, escaped for an HTML
    /// attribute: `lookback=1h`, with `start` and `end` in Unix µs when the range is fixed.
    var linkQuery: String {
        "lookback=\(PercentEncoding.query(lookback))" + (isFixed ? "&amp;start=\(start / 1_000)&amp;end=\(end / 1_000)" : "")
    }

    /// A form's fields for the range: the lookback select (the offered lookbacks, `custom`, and
    /// the current one selected even when it is not offered) and the two UTC date fields, filled
    /// in when the range is custom.
    var formFields: String {
        """
        <label>Lookback<select name="lookback">\(Self.options(current: lookback, offered: Self.lookbacks + ["custom"]))</select></label>
        <label>From (UTC, custom)<input type="datetime-local" step="1" name="start" value="\(isCustom ? Self.dateField(start) : "")"></label>
        <label>To (UTC, custom)<input type="datetime-local" step="1" name="end" value="\(isCustom ? Self.dateField(end) : "")"></label>
        """
    }

    /// `<option>`s for a lookback select: `offered`, and `current` selected (added when it is not
    /// among them, so a form shows what its URL asked for).
    static func options(current: String, offered: [String]) -> String {
        (offered.contains(current) ? offered : offered + [current]).map { UIPage.option($0, selected: $0 == current) }.joined()
    }

    /// A date field's value for `nanos`: the UTC date and time to the second (`2026-11-30T09:00:05`).
    private static func dateField(_ nanos: UInt64) -> String {
        String(RFC3339.string(unixNanos: nanos).prefix(19))
    }
}
