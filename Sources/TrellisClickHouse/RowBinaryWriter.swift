import TrellisModel
import TrellisStorage

/// Encodes rows in ClickHouse's `RowBinary` format (ClickHouse docs, "Formats: RowBinary"):
/// integers and floats little-endian, `String` as a LEB128 length then the bytes,
/// `FixedString(N)` as N bytes, `Date` as the UInt16 days since 1970-01-01, `Array(T)` as a
/// LEB128 count then the elements. Columns are written in the order the INSERT names them.
struct RowBinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func uint8(_ value: UInt8) { bytes.append(value) }

    mutating func uint16(_ value: UInt16) { littleEndian(UInt64(value), count: 2) }

    mutating func uint32(_ value: UInt32) { littleEndian(UInt64(value), count: 4) }

    mutating func uint64(_ value: UInt64) { littleEndian(value, count: 8) }

    mutating func float64(_ value: Double) { littleEndian(value.bitPattern, count: 8) }

    /// A `Date`: the day (UTC) of a Unix time in nanoseconds.
    mutating func date(ofUnixNano nanos: UInt64) { uint16(UInt16(clamping: nanos / 86_400_000_000_000)) }

    mutating func string(_ value: String) { string(Array(value.utf8)) }

    mutating func string(_ value: [UInt8]) {
        leb128(UInt64(value.count))
        bytes += value
    }

    /// A `FixedString(16)`: the trace ID's 16 bytes, big-endian.
    mutating func traceID(_ id: TraceID) { bytes += id.bytes }

    /// An `Array(T)`: the count, then each element written by `element`.
    mutating func array<C: Collection>(_ values: C, _ element: (inout RowBinaryWriter, C.Element) -> Void) {
        leb128(UInt64(values.count))
        for value in values { element(&self, value) }
    }

    private mutating func littleEndian(_ value: UInt64, count: Int) {
        for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * i))) }
    }

    private mutating func leb128(_ value: UInt64) { LEB128.append(value, to: &bytes) }
}
