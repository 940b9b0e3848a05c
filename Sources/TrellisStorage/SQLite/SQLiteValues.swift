import TrellisModel

/// How model values are laid out in SQLite columns: unsigned nanoseconds clamp into signed
/// 64-bit integers (order kept), trace ID halves keep their bit patterns.
enum SQLiteValues {
    static func time(_ nanos: UInt64) -> Int64 { Int64(clamping: nanos) }

    static func halves(_ id: TraceID) -> (Int64, Int64) {
        (Int64(bitPattern: id.high), Int64(bitPattern: id.low))
    }

    static func traceID(high: Int64, low: Int64) -> TraceID {
        TraceID(high: UInt64(bitPattern: high), low: UInt64(bitPattern: low))
    }
}

extension SQLiteStatement {
    /// Binds an attribute value by its type: text, integer, real, or 0/1 for booleans.
    func bind(_ index: Int32, _ value: AttributeFilter.Value) {
        switch value {
        case .string(let s): bind(index, s)
        case .int(let i): bind(index, i)
        case .double(let d): bind(index, d)
        case .bool(let b): bind(index, Int64(b ? 1 : 0))
        }
    }
}
