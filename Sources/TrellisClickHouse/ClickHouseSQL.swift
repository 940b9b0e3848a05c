import TrellisModel
import TrellisStorage

/// Literals for the SQL that `ClickHouseArchive` sends. ClickHouse 18.16 has no query
/// parameters, so values are written into the text: strings quoted with `\` and `'` escaped
/// (ClickHouse docs, "Syntax: String literals"), numbers in decimal, trace IDs as `unhex`.
enum ClickHouseSQL {
    static func literal(_ value: String) -> String {
        var out = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    static func literal(_ id: TraceID) -> String {
        "toFixedString(unhex('\(id.hex)'), 16)"
    }

    static func literal(_ value: Double) -> String {
        value.isFinite ? "\(value)" : (value > 0 ? "inf" : "-inf")
    }

    /// A `Date` literal: the UTC day of a Unix time in nanoseconds, as `toDate('YYYY-MM-DD')` (a
    /// number would be read in the server's time zone, and one below 65,536 as a day number).
    static func day(ofUnixNano nanos: UInt64) -> String {
        // Days to a proleptic Gregorian date (H. Hinnant's "civil_from_days").
        let z = Int64(nanos / 86_400_000_000_000) + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "toDate('\(year)-\(two(month))-\(two(day))')"
    }
}
