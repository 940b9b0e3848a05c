import Testing
import TrellisCodec
import TrellisModel

/// The catalogue of hostile and broken bodies: each gets a precise error, never a crash or a hang.
@Suite struct MalformedInputTests {
    private func protobufError(_ bytes: [UInt8]) -> CodecError? {
        do {
            _ = try OTLPProtobufDecoder().decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func truncatedVarintIsReportedWithItsOffset() {
        // resource_spans, length 0x80 0x80 (varint never ends)
        #expect(protobufError([0x0A, 0x80, 0x80]) == .truncated(field: "resourceSpans", offset: 1))
    }

    @Test func overlongVarintIsMalformed() {
        // resourceSpans { field 4 (unknown, varint) = eleven 0xFF bytes }
        let bytes: [UInt8] = [0x0A, 12, 0x20] + [UInt8](repeating: 0xFF, count: 11)
        #expect(protobufError(bytes) == .malformedVarint(field: "resourceSpans[0].field 4", offset: 3))
    }

    @Test func wrongWireTypeNamesTheField() {
        // resourceSpans { scopeSpans { spans { name as varint } } }
        let span: [UInt8] = [0x28, 0x01]
        let bytes: [UInt8] = [0x0A, 6, 0x12, 4, 0x12, 2] + span
        #expect(protobufError(bytes) == .wrongWireType(field: "resourceSpans[0].scopeSpans[0].spans[0].name", wireType: 0, offset: 6))
    }

    @Test func lengthPastTheEndIsReported() {
        let bytes: [UInt8] = [0x0A, 4, 0x12, 10, 0x12, 0x00]
        #expect(protobufError(bytes) == .lengthPastEnd(field: "resourceSpans[0].scopeSpans", length: 10, remaining: 2, offset: 3))
    }

    @Test func invalidTagIsReported() {
        #expect(protobufError([0x0B, 0x00]) == .invalidTag(offset: 0, tag: 0x0B))
        #expect(protobufError([0x00]) == .invalidTag(offset: 0, tag: 0))
    }

    @Test func attributeValuesNestedAThousandLevelsAreRefused() {
        // AnyValue{ array_value{ values: AnyValue{ ... } } } 1000 deep, inside a span attribute.
        var value: [UInt8] = [0x08, 0x01] // bool_value = true
        for _ in 0..<1000 {
            let array = Self.field(1, value)
            value = Self.field(5, array)
        }
        let keyValue = Self.field(1, Array("k".utf8)) + Self.field(2, value)
        let span = Self.field(1, [UInt8](repeating: 1, count: 16)) + Self.field(2, [UInt8](repeating: 1, count: 8)) + Self.field(9, keyValue)
        let bytes = Self.field(1, Self.field(2, Self.field(2, span)))
        guard case .nestingTooDeep(let field, let limit)? = protobufError(bytes) else {
            Issue.record("expected nestingTooDeep")
            return
        }
        #expect(limit == 64)
        #expect(field.hasPrefix("resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[0]"))
    }

    @Test func everyTruncationOfARealCaptureFailsCleanly() throws {
        let body = try Captures.bytes("http_gzip/0003_http_traces.pb")
        let decoder = OTLPProtobufDecoder()
        var errors = 0
        for length in 0..<body.count {
            do {
                let decoded = try decoder.decode(Array(body[0..<length]))
                #expect(decoded.batch.spanCount <= 8)
            } catch {
                errors += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(errors > body.count / 2)
    }

    @Test func randomGarbageNeverCrashes() {
        var random = RandomSpans(seed: 42)
        let decoder = OTLPProtobufDecoder()
        for _ in 0..<2000 {
            let bytes = (0..<random.int(0...300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? decoder.decode(bytes)
        }
    }

    @Test func bitFlipsInARealCaptureNeverCrash() throws {
        let body = try Captures.bytes("http_gzip/0001_http_traces.pb")
        var random = RandomSpans(seed: 9)
        let decoder = OTLPProtobufDecoder()
        for _ in 0..<3000 {
            var mutated = body
            for _ in 0..<random.int(1...4) {
                mutated[random.int(0...(body.count - 1))] ^= UInt8(1 << random.int(0...7))
            }
            _ = try? decoder.decode(mutated)
        }
    }

    @Test func gzipBombIsStoppedAtTheLimit() {
        let bomb = Gzip.deflate([UInt8](repeating: 0, count: 50 << 20), level: 9)
        #expect(bomb.count < 100_000)
        #expect(throws: CodecError.decompressedTooLarge(limit: 4 << 20)) { try Gzip.inflate(bomb, limit: 4 << 20) }
    }

    @Test func gzipThatDoesNotInflateIsRejected() {
        let valid = Gzip.deflate(Array("hello, world".utf8))
        #expect(throws: CodecError.self) { try Gzip.inflate(Array("not gzip at all".utf8), limit: 1000) }
        #expect(throws: CodecError.badCompression(reason: "stream is truncated")) { try Gzip.inflate(Array(valid.dropLast(6)), limit: 1000) }
        #expect(throws: CodecError.badCompression(reason: "empty body")) { try Gzip.inflate([UInt8](), limit: 1000) }
    }

    private static func field(_ number: UInt8, _ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [number << 3 | 2]
        var n = body.count
        while n >= 0x80 { out.append(UInt8(n & 0x7F) | 0x80); n >>= 7 }
        out.append(UInt8(n))
        return out + body
    }
}
