import Foundation
import Testing
import TrellisCodec
import TrellisModel

/// The three Jaeger encodings, from the captures of a real client (`Fixtures/jaeger/README.md`).
@Suite struct JaegerDecoderTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jaeger/\(name)")))
    }

    enum Transport: String, CaseIterable { case thriftBinary, thriftCompact, protobuf }

    static func decode(_ transport: Transport) throws -> DecodedTraces {
        switch transport {
        case .thriftBinary: return try JaegerThriftDecoder().decodeBinaryBatch(try fixture("thrift_http.bin"))
        case .thriftCompact: return try JaegerThriftDecoder().decodeCompactEmitBatch(try fixture("thrift_compact.bin"))
        case .protobuf: return try JaegerProtobufDecoder().decode(try fixture("grpc_post_spans.bin"))
        }
    }

    @Test(arguments: Transport.allCases)
    func aRealClientsTraceMapsAsTheCollectorsTranslatorMapsIt(transport: Transport) throws {
        let decoded = try Self.decode(transport)
        #expect(decoded.rejections.count == 0)
        let spans = decoded.batch.flattened
        #expect(spans.count == 2)
        let root = try #require(spans.first { $0.span.name == "GET /probe" })
        let child = try #require(spans.first { $0.span.name == "SELECT users" })
        let traceID = try #require(TraceID(hex: "0af7651916cd43dd8448eb211c80319c"))

        #expect(root.resource.serviceName == "jaeger-probe")
        #expect(root.scope == InstrumentationScope(name: "jaeger-probe-tracer", version: "0.1.0"))
        #expect(root.span.traceID == traceID && child.span.traceID == traceID)
        #expect(root.span.kind == .server && child.span.kind == .client)
        #expect(root.span.isRoot)
        #expect(child.span.parentSpanID == root.span.spanID)
        #expect(root.span.flags == 1)
        #expect(root.span.attributes[key: "http.method"] == .string("GET"))
        #expect(root.span.attributes[key: "http.status_code"] == .int(200))
        #expect(root.span.attributes[key: "probe.flag"] == .bool(true))
        #expect(root.span.attributes[key: "probe.ratio"] == .double(0.25))
        for derived in ["span.kind", "otel.status_code", "otel.status_description", "error", "otel.library.name", "otel.scope.name"] {
            #expect(root.span.attributes[key: derived] == nil && child.span.attributes[key: derived] == nil, "\(derived)")
        }
        #expect(root.span.status == .unset)
        #expect(child.span.status == SpanStatus(code: .error, message: "connection refused"))
        let event = try #require(root.span.events.first)
        #expect(event.name == "cache.miss")
        #expect(event.attributes == [Attribute("cache.key", .string("user:7")), Attribute("attempt", .int(3))])
        #expect(child.span.links.map(\.spanID) == [SpanID(0xFFFF_FFFF_FFFF_FFFE)])
        #expect(child.span.links.map(\.traceID) == [TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736")])
        // Thrift carries microseconds; the protobuf exporter computes its times through floats.
        let tolerance: UInt64 = transport == .protobuf ? 1_000 : 0
        #expect(root.span.startTimeUnixNano.distance(to: 1_700_000_000_000_000_000).magnitude <= tolerance)
        #expect(child.span.durationNanos.distance(to: 5_500_000).magnitude <= tolerance)
        #expect(event.timeUnixNano.distance(to: 1_700_000_000_001_000_000).magnitude <= tolerance)
    }

    @Test func theGRPCProcessCarriesTheResourceAttributes() throws {
        let resource = try #require(try Self.decode(.protobuf).batch.resourceSpans.first?.resource)
        #expect(resource.attributes[key: "host.name"] == .string("probe-host"))
        #expect(resource.attributes[key: "probe.build"] == .int(42))
    }

    @Test(arguments: [
        // Batch { spans: list<struct> of 1 { field 1 traceIdLow as a string } }
        ([0x0F, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x0B, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
         CodecError.invalidThrift(field: "batch.spans[0].traceIdLow", offset: 11, reason: "has type string, expected i64")),
        // Batch { spans: a list claiming 1000000 elements in 2 bytes }
        ([0x0F, 0x00, 0x02, 0x0C, 0x00, 0x0F, 0x42, 0x40, 0x00, 0x00],
         CodecError.invalidThrift(field: "batch.spans", offset: 4, reason: "list size 1000000 is more than the 2 bytes left can hold")),
        // Batch { process { serviceName: a string of 200 bytes, 3 present } }
        ([0x0C, 0x00, 0x01, 0x0B, 0x00, 0x01, 0x00, 0x00, 0x00, 0xC8, 0x61, 0x62, 0x63],
         CodecError.invalidThrift(field: "batch.process.serviceName", offset: 6, reason: "string length 200 is more than the 3 bytes left can hold")),
        // Batch { spans: [ { startTime: -1 } ] }
        ([0x0F, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x0A, 0x00, 0x08] + [UInt8](repeating: 0xFF, count: 8) + [0x00, 0x00],
         CodecError.invalidThrift(field: "batch.spans[0].startTime", offset: 20, reason: "-1 microseconds is negative")),
        // an unknown type code 0x42 in a field header
        ([0x42, 0x00, 0x01], CodecError.invalidThrift(field: "batch.field header", offset: 0, reason: "unknown type code 66")),
        // the Batch ends, then garbage follows
        ([0x00, 0x01, 0x02], CodecError.invalidThrift(field: "batch", offset: 1, reason: "2 bytes follow the end of the Batch")),
    ] as [([UInt8], CodecError)])
    func brokenThriftNamesTheFieldAndOffset(body: [UInt8], error: CodecError) {
        #expect(throws: error) { try JaegerThriftDecoder().decodeBinaryBatch(body) }
    }

    @Test func unknownNestedValuesAreSkippedUpToTheDepthLimit() throws {
        // Batch { field 9: struct { field 1: struct { ... 40 deep } } }
        var body: [UInt8] = [0x0C, 0x00, 0x09]
        for _ in 0..<40 { body += [0x0C, 0x00, 0x01] }
        body += [UInt8](repeating: 0x00, count: 42)
        guard case .invalidThrift(let field, _, let reason)? = Self.error(body) else {
            Issue.record("expected invalidThrift")
            return
        }
        #expect(field == "batch.field 9")
        #expect(reason == "values nest deeper than 16 levels")
    }

    private static func error(_ body: [UInt8]) -> CodecError? {
        do {
            _ = try JaegerThriftDecoder().decodeBinaryBatch(body)
            return nil
        } catch {
            return error
        }
    }

    @Test func aCompactMessageForAnotherMethodIsRefused() {
        // compact header, ONEWAY, seqid 0, name "emitZipkinBatch"
        let body: [UInt8] = [0x82, 0x81, 0x00, 0x0F] + Array("emitZipkinBatch".utf8) + [0x00]
        #expect(throws: CodecError.invalidThrift(field: "message", offset: 0, reason: "method 'emitZipkinBatch' is not served; Trellis takes the agent's emitBatch (Jaeger Thrift spans)")) {
            try JaegerThriftDecoder().decodeCompactEmitBatch(body)
        }
    }

    @Test func zeroIDsAreRejectedOnTheirOwn() throws {
        // Batch { spans: [ { spanId: 0, operationName: "x" } ] }
        let body: [UInt8] = [0x0F, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x0B, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x78, 0x00, 0x00]
        let decoded = try JaegerThriftDecoder().decodeBinaryBatch(body)
        #expect(decoded.batch.spanCount == 0)
        #expect(decoded.rejections.reasons == ["batch.spans[0]: traceId is all zeros"])
    }
}
