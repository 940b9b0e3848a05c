import TrellisModel

extension SpanKind {
    /// The kind as the analysis API spells it: OTLP's name in lower case (`server`, `client`,
    /// `producer`, `consumer`, `internal`), and `unspecified` for an unset kind.
    var apiName: String { self == .unspecified ? "unspecified" : name }
}

extension SpanStatus.Code {
    /// The status code as the analysis API spells it: `unset`, `ok` or `error`.
    var apiName: String {
        switch self {
        case .unset: return "unset"
        case .ok: return "ok"
        case .error: return "error"
        }
    }
}
