import TrellisModel

/// Reads RFC 3339 timestamps (`2025-01-31T12:00:00Z`, `2025-01-31T12:00:00.123456789+02:00`),
/// as api/v3's `query.start_time_min`/`max` take them.
enum RFC3339 {
    /// Nanoseconds since the Unix epoch; nil when malformed, before 1970, or past what 64 bits of
    /// nanoseconds hold (2554-07-21T23:34:33.709551615Z).
    static func unixNanos(_ text: String) -> UInt64? {
        let b = Array(text.utf8)
        guard b.count >= 20,
              let year = number(b, 0, 4), b[4] == UInt8(ascii: "-"), let month = number(b, 5, 2), b[7] == UInt8(ascii: "-"),
              let day = number(b, 8, 2), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
              let hour = number(b, 11, 2), b[13] == UInt8(ascii: ":"), let minute = number(b, 14, 2), b[16] == UInt8(ascii: ":"),
              let second = number(b, 17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, let d = number(b, i, 1) {
                if digits < 9 { fraction = fraction * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { fraction *= 10 }
        }
        guard i < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == b.count, let oh = number(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let om = number(b, i + 4, 2),
                  oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let seconds = CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        guard seconds >= 0 else { return nil }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (nanos, overflowAgain) = whole.addingReportingOverflow(UInt64(fraction))
        return overflow || overflowAgain ? nil : nanos
    }

    private static func number(_ b: [UInt8], _ start: Int, _ count: Int) -> Int64? {
        guard start + count <= b.count else { return nil }
        var value: Int64 = 0
        for c in b[start..<start + count] {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(c - UInt8(ascii: "0"))
        }
        return value
    }

    /// A Unix time as RFC 3339 in UTC with milliseconds (`2023-11-14T22:13:20.123Z`).
    static func string(unixNanos: UInt64) -> String {
        let secondOfDay = Int64(unixNanos / 1_000_000_000) % 86400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let millis = unixNanos / 1_000_000 % 1000
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(CivilDate(unixNanos: unixNanos).text)T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)).\(fraction)Z"
    }
}
