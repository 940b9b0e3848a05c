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
    static func day(ofUnixNano nanos: UInt64) -> String { "toDate('\(CivilDate(unixNanos: nanos).text)')" }
}
