import Testing
import TrellisCodec
import TrellisModel

@Suite struct RoundTripTests {
    @Test(arguments: Captures.protobufPayloads.map(\.path))
    func captureSurvivesProtobufToJSONAndBack(path: String) throws {
        let original = try Captures.bytes(path)
        let model = try OTLPProtobufDecoder().decode(original).batch
        let json = OTLPJSONEncoder().encode(model)
        let fromJSON = try OTLPJSONDecoder().decode(json)
        #expect(fromJSON.rejections.count == 0)
        #expect(fromJSON.batch == model)
        #expect(OTLPProtobufEncoder().encode(fromJSON.batch) == original)
    }

    @Test(arguments: 0..<200)
    func randomBatchSurvivesProtobufAndJSON(seed: Int) throws {
        let batch = RandomSpans.batch(seed: UInt64(seed))
        let protobuf = OTLPProtobufEncoder().encode(batch)
        let decoded = try OTLPProtobufDecoder().decode(protobuf)
        #expect(decoded.rejections.count == 0)
        #expect(decoded.batch == batch)
        let viaJSON = try OTLPJSONDecoder().decode(OTLPJSONEncoder().encode(decoded.batch))
        #expect(viaJSON.batch == batch)
        #expect(OTLPProtobufEncoder().encode(viaJSON.batch) == protobuf)
    }

    @Test(arguments: 0..<20)
    func gzipRoundTripsRandomBodies(seed: Int) throws {
        let body = OTLPProtobufEncoder().encode(RandomSpans.batch(seed: UInt64(seed), spansPerScope: 20))
        let compressed = Gzip.deflate(body)
        #expect(compressed.starts(with: [0x1F, 0x8B]))
        #expect(try Gzip.inflate(compressed, limit: body.count) == body)
    }
}
