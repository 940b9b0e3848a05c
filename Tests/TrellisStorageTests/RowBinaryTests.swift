import Testing
import TrellisModel
@testable import TrellisClickHouse
@testable import TrellisStorage

@Suite("RowBinary")
struct RowBinaryTests {
    @Test func everyTypeReadsBackAsWritten() throws {
        var writer = RowBinaryWriter()
        writer.uint8(7)
        writer.uint16(0xBEEF)
        writer.uint32(0xDEAD_BEEF)
        writer.uint64(.max)
        writer.float64(-2.5)
        writer.date(ofUnixNano: 20_000 * 86_400_000_000_000 + 5)
        writer.string(String(repeating: "é", count: 100))
        writer.traceID(TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10))
        writer.array([1, 300, 70_000] as [UInt64]) { $0.uint64($1) }

        var reader = RowBinaryReader(writer.bytes)
        #expect(try reader.uint8() == 7)
        #expect(try reader.uint16() == 0xBEEF)
        #expect(try reader.uint32() == 0xDEAD_BEEF)
        #expect(try reader.uint64() == .max)
        #expect(try reader.uint64() == (-2.5 as Double).bitPattern)
        #expect(try reader.uint16() == 20_000)
        #expect(try reader.string() == String(repeating: "é", count: 100))
        #expect(try reader.traceID() == TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10))
        #expect(try reader.array { (r: inout RowBinaryReader) throws(StorageError) in try r.uint64() } == [1, 300, 70_000])
        #expect(reader.isAtEnd)
    }

    @Test func theWireFormatIsClickHouses() {
        var writer = RowBinaryWriter()
        writer.uint16(1)
        writer.string("ab")
        writer.array(Array(repeating: UInt8(0), count: 200)) { $0.uint8($1) }
        // Little-endian integers; a String's and an Array's length as a LEB128 varint (200 = 0xC8 0x01).
        #expect(Array(writer.bytes.prefix(7)) == [0x01, 0x00, 0x02, 0x61, 0x62, 0xC8, 0x01])
        #expect(writer.bytes.count == 7 + 200)
    }

    @Test func aTruncatedAnswerIsAnErrorNamingWhatWasCutShort() {
        typealias Read = (inout RowBinaryReader) throws(StorageError) -> Void
        func failure(_ bytes: [UInt8], _ read: Read) -> StorageError? {
            var reader = RowBinaryReader(bytes)
            do {
                try read(&reader)
                return nil
            } catch {
                return error
            }
        }
        let uint64: Read = { (r: inout RowBinaryReader) throws(StorageError) in _ = try r.uint64() }
        let string: Read = { (r: inout RowBinaryReader) throws(StorageError) in _ = try r.string() }
        let traceID: Read = { (r: inout RowBinaryReader) throws(StorageError) in _ = try r.traceID() }
        let bytes: Read = { (r: inout RowBinaryReader) throws(StorageError) in _ = try r.array { (e: inout RowBinaryReader) throws(StorageError) in try e.uint8() } }
        #expect(failure([0x01], uint64) == .undecodableBlock(detail: "ClickHouse answer cut short in a UInt64"))
        #expect(failure([0x05, 0x61], string) == .undecodableBlock(detail: "ClickHouse answer cut short in a String of 5 bytes"))
        #expect(failure([0x80], string) == .undecodableBlock(detail: "ClickHouse answer cut short in a length"))
        #expect(failure(Array(repeating: 1, count: 10), traceID) == .undecodableBlock(detail: "ClickHouse answer cut short in a trace ID"))
        #expect(failure([0xFF, 0xFF, 0x03], bytes) == .undecodableBlock(detail: "ClickHouse answer cut short in an Array of 65535 elements"))
    }
}
