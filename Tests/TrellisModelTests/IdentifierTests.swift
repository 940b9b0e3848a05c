import Testing
import TrellisModel

@Suite struct IdentifierTests {
    @Test func traceIDIsSixteenBytesInline() {
        #expect(MemoryLayout<TraceID>.size == 16)
        #expect(MemoryLayout<SpanID>.size == 8)
    }

    @Test func traceIDHexRoundTripsAndAcceptsUppercase() throws {
        let id = try #require(TraceID(hex: "5B8EFFF798038103D269B633813FC60C"))
        #expect(id.hex == "5b8efff798038103d269b633813fc60c")
        #expect(TraceID(hex: id.hex) == id)
        #expect(id.bytes.count == 16)
        #expect(TraceID(bytes: id.bytes) == id)
    }

    @Test func sixteenDigitTraceIDIsLeftPadded() throws {
        let id = try #require(TraceID(hex: "d269b633813fc60c"))
        #expect(id.hex == "0000000000000000d269b633813fc60c")
    }

    @Test func malformedHexIsRefused() {
        #expect(TraceID(hex: "5b8efff798038103d269b633813fc60") == nil)
        #expect(TraceID(hex: "5b8efff798038103d269b633813fc60g") == nil)
        #expect(SpanID(hex: "eee19b7ec3c1b17") == nil)
        #expect(SpanID(hex: "eee19b7ec3c1b17z") == nil)
        #expect(TraceID(bytes: [UInt8](repeating: 1, count: 15)) == nil)
        #expect(SpanID(bytes: [UInt8](repeating: 1, count: 9)) == nil)
    }

    @Test func allZeroIDsAreInvalid() {
        #expect(!TraceID(high: 0, low: 0).isValid)
        #expect(TraceID(high: 0, low: 1).isValid)
        #expect(!SpanID.none.isValid)
    }

    @Test func spanIDBytesAreBigEndian() {
        #expect(SpanID(0x0102030405060708).bytes == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(SpanID(hex: "0102030405060708") == SpanID(0x0102030405060708))
    }
}
