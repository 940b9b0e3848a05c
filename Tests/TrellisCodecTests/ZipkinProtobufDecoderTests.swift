import Foundation
import Testing
import TrellisCodec
import TrellisModel

@Suite struct ZipkinProtobufDecoderTests {
    /// A Zipkin JSON span list written as `zipkin.proto3.ListOfSpans`, field by field.
    private static func protobuf(fromJSON data: [UInt8]) throws -> [UInt8] {
        let spans = try #require(try JSONSerialization.jsonObject(with: Data(data)) as? [[String: Any]])
        func hex(_ text: Any?) -> [UInt8] {
            let digits = Array((text as? String ?? "").utf8)
            return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        }
        let kinds = ["CLIENT": 1, "SERVER": 2, "PRODUCER": 3, "CONSUMER": 4]
        return spans.flatMap { span -> [UInt8] in
            var body = Proto.field(1, hex(span["traceId"]))
            if span["parentId"] != nil { body += Proto.field(2, hex(span["parentId"])) }
            body += Proto.field(3, hex(span["id"]))
            if let kind = span["kind"] as? String { body += Proto.varintField(4, UInt64(kinds[kind]!)) }
            body += Proto.field(5, Array((span["name"] as? String ?? "").utf8))
            body += Proto.fixed64(6, (span["timestamp"] as? NSNumber)?.uint64Value ?? 0)
            body += Proto.varintField(7, (span["duration"] as? NSNumber)?.uint64Value ?? 0)
            if let local = span["localEndpoint"] as? [String: Any] {
                body += Proto.field(8, Proto.field(1, Array((local["serviceName"] as? String ?? "").utf8)))
            }
            for (key, value) in (span["tags"] as? [String: String] ?? [:]).sorted(by: { $0.key < $1.key }) {
                body += Proto.field(11, Proto.field(1, Array(key.utf8)) + Proto.field(2, Array(value.utf8)))
            }
            if (span["debug"] as? NSNumber)?.boolValue == true { body += Proto.varintField(12, 1) }
            return Proto.field(1, body)
        }
    }

    /// The JSON capture rewritten with sorted keys, so its tags come in the order the protobuf above writes them.
    private static func sortedTagsJSON(_ data: [UInt8]) throws -> [UInt8] {
        let spans = try JSONSerialization.jsonObject(with: Data(data))
        return Array(try JSONSerialization.data(withJSONObject: spans, options: [.sortedKeys]))
    }

    @Test(arguments: ["zipkin/0001_http_zipkin.json", "zipkin/0003_http_zipkin.json"])
    func theSameSpansInProtobufDecodeToTheSameModelAsInJSON(path: String) throws {
        let json = try Self.sortedTagsJSON(try Captures.bytes(path))
        let fromJSON = try ZipkinJSONDecoder().decode(json)
        let fromProtobuf = try ZipkinProtobufDecoder().decode(try Self.protobuf(fromJSON: json))
        #expect(fromProtobuf.batch.spanCount > 0)
        #expect(fromProtobuf.batch == fromJSON.batch)
        #expect(fromProtobuf.rejections.count == 0)
    }

    @Test func endpointsAddressesAndShortTraceIDsMap() throws {
        let local = Proto.field(1, Array("api".utf8)) + Proto.field(2, [10, 0, 0, 1]) + Proto.varintField(4, 8080)
        let remote = Proto.field(1, Array("db".utf8)) + Proto.field(3, [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1])
        let span = Proto.field(1, [0xD2, 0x69, 0xB6, 0x33, 0x81, 0x3F, 0xC6, 0x0C]) + Proto.field(3, [0, 0, 0, 0, 0, 0, 0, 7])
            + Proto.varintField(4, 1) + Proto.field(5, Array("query".utf8)) + Proto.fixed64(6, 1_000) + Proto.varintField(7, 5)
            + Proto.field(8, local) + Proto.field(9, remote) + Proto.field(10, Proto.fixed64(1, 1_002) + Proto.field(2, Array("retry".utf8)))
            + Proto.varintField(12, 1)
        let decoded = try ZipkinProtobufDecoder().decode(Proto.field(1, span))
        let (resource, _, model) = try #require(decoded.batch.flattened.first)
        #expect(resource.serviceName == "api")
        #expect(model.traceID == TraceID(high: 0, low: 0xD269_B633_813F_C60C))
        #expect(model.kind == .client)
        #expect(model.startTimeUnixNano == 1_000_000 && model.endTimeUnixNano == 1_005_000)
        #expect(model.events == [SpanEvent(timeUnixNano: 1_002_000, name: "retry")])
        #expect(model.flags == 1)
        #expect(model.attributes == [Attribute("net.host.ip", .string("10.0.0.1")), Attribute("net.host.port", .int(8080)),
                                     Attribute("peer.service", .string("db")), Attribute("net.peer.ip", .string("2001:db8::1"))])
    }

    @Test(arguments: [
        (Proto.field(1, Proto.field(1, [UInt8](repeating: 1, count: 16)) + Proto.field(3, [UInt8](repeating: 1, count: 8)) + Proto.varintField(4, 9)),
         CodecError.invalidValue(field: "spans[0].kind", reason: "9 is not a Zipkin span kind (0 to 4)")),
        (Proto.field(1, Proto.field(1, [UInt8](repeating: 1, count: 16)) + Proto.field(3, [UInt8](repeating: 1, count: 8)) + Proto.field(8, Proto.field(2, [10, 0, 1]))),
         CodecError.invalidValue(field: "spans[0].localEndpoint.ipv4", reason: "an address must be 4 bytes, got 3")),
        (Proto.field(1, Proto.field(1, [UInt8](repeating: 1, count: 16)) + Proto.field(3, [UInt8](repeating: 1, count: 8)) + Proto.field(8, Proto.varintField(4, 70_000))),
         CodecError.invalidValue(field: "spans[0].localEndpoint.port", reason: "70000 is not a port number")),
        (Proto.field(1, Proto.field(8, Proto.field(4, [1]))),
         CodecError.wrongWireType(field: "spans[0].localEndpoint.port", wireType: 2, offset: 4)),
        (Proto.field(1, Proto.field(10, [0x09, 1, 2])),
         CodecError.truncated(field: "spans[0].annotations[0].timestamp", offset: 5)),
    ] as [([UInt8], CodecError)])
    func brokenBodiesNameTheField(body: [UInt8], error: CodecError) {
        #expect(throws: error) { try ZipkinProtobufDecoder().decode(body) }
    }

    @Test func spansWithBadIDsAreRejectedOnTheirOwn() throws {
        let good = Proto.field(1, Proto.field(1, [UInt8](repeating: 1, count: 16)) + Proto.field(3, [UInt8](repeating: 2, count: 8)) + Proto.field(5, Array("ok".utf8)))
        let bad = Proto.field(1, Proto.field(1, [UInt8](repeating: 1, count: 12)) + Proto.field(3, [UInt8](repeating: 2, count: 8)))
        let decoded = try ZipkinProtobufDecoder().decode(good + bad)
        #expect(decoded.batch.flattened.map(\.span.name) == ["ok"])
        #expect(decoded.rejections.reasons == ["spans[1]: traceId must be 16 bytes, got 12"])
    }
}
