import Testing
@testable import TrellisCodec
import TrellisModel

@Suite struct OTLPJSONCodecTests {
    private func decode(_ text: String) throws(CodecError) -> DecodedTraces {
        try OTLPJSONDecoder().decode(Array(text.utf8))
    }

    private func decodeError(_ text: String) -> CodecError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    /// What an OpenTelemetry SDK's OTLP/HTTP JSON exporter sends, with the variations the mapping allows.
    private let realistic = #"""
    {
      "resourceSpans": [{
        "resource": {
          "attributes": [
            {"key": "service.name", "value": {"stringValue": "checkout"}},
            {"key": "process.pid", "value": {"intValue": "4242"}},
            {"key": "host.cores", "value": {"intValue": 8}}
          ],
          "droppedAttributesCount": 1
        },
        "scopeSpans": [{
          "scope": {"name": "io.opentelemetry.http", "version": "1.2.3"},
          "spans": [
            {
              "traceId": "5B8EFFF798038103D269B633813FC60C",
              "spanId": "EEE19B7EC3C1B174",
              "parentSpanId": "",
              "traceState": "rojo=00f067aa0ba902b7",
              "flags": 1,
              "name": "GET /cart",
              "kind": 2,
              "startTimeUnixNano": "1544712660000000000",
              "endTimeUnixNano": 1544712661000000000,
              "attributes": [
                {"key": "http.status_code", "value": {"intValue": "500"}},
                {"key": "sampled", "value": {"boolValue": true}},
                {"key": "ratio", "value": {"doubleValue": 0.25}},
                {"key": "blob", "value": {"bytesValue": "AQID"}}
              ],
              "events": [
                {"timeUnixNano": "1544712660500000000", "name": "exception",
                 "attributes": [{"key": "exception.message", "value": {"stringValue": "boom"}}]}
              ],
              "links": [
                {"traceId": "00000000000000000000000000000001", "spanId": "0000000000000002", "traceState": "k=v", "flags": 256}
              ],
              "status": {"code": 2, "message": "internal error"}
            },
            {
              "traceId": "5b8efff798038103d269b633813fc60c",
              "spanId": "1111111111111111",
              "parentSpanId": "eee19b7ec3c1b174",
              "name": "SELECT",
              "kind": "SPAN_KIND_CLIENT",
              "startTimeUnixNano": 1544712660100000000,
              "endTimeUnixNano": "1544712660200000000",
              "status": {"code": "STATUS_CODE_OK"}
            }
          ],
          "schemaUrl": "https://opentelemetry.io/schemas/1.21.0"
        }],
        "schemaUrl": "https://opentelemetry.io/schemas/1.24.0"
      }]
    }
    """#

    @Test func decodesARealisticRequest() throws {
        let decoded = try decode(realistic)
        #expect(decoded.rejections.count == 0)
        let rs = try #require(decoded.batch.resourceSpans.first)
        #expect(rs.schemaURL == "https://opentelemetry.io/schemas/1.24.0")
        #expect(rs.resource.serviceName == "checkout")
        #expect(rs.resource.attributes[key: "process.pid"] == .int(4242))
        #expect(rs.resource.attributes[key: "host.cores"] == .int(8))
        #expect(rs.resource.droppedAttributesCount == 1)
        let ss = try #require(rs.scopeSpans.first)
        #expect(ss.scope == InstrumentationScope(name: "io.opentelemetry.http", version: "1.2.3"))
        #expect(ss.schemaURL == "https://opentelemetry.io/schemas/1.21.0")
        #expect(ss.spans.count == 2)

        let server = ss.spans[0]
        #expect(server.traceID == TraceID(hex: "5b8efff798038103d269b633813fc60c"))
        #expect(server.spanID == SpanID(0xEEE1_9B7E_C3C1_B174))
        #expect(server.parentSpanID == .none)
        #expect(server.traceState == "rojo=00f067aa0ba902b7")
        #expect(server.flags == 1)
        #expect(server.name == "GET /cart")
        #expect(server.kind == .server)
        #expect(server.startTimeUnixNano == 1_544_712_660_000_000_000)
        #expect(server.endTimeUnixNano == 1_544_712_661_000_000_000)
        #expect(server.attributes == [
            Attribute("http.status_code", .int(500)), Attribute("sampled", .bool(true)),
            Attribute("ratio", .double(0.25)), Attribute("blob", .bytes([1, 2, 3])),
        ])
        #expect(server.events == [SpanEvent(timeUnixNano: 1_544_712_660_500_000_000, name: "exception",
                                            attributes: [Attribute("exception.message", .string("boom"))])])
        #expect(server.links == [SpanLink(traceID: TraceID(high: 0, low: 1), spanID: SpanID(2), traceState: "k=v", flags: 256)])
        #expect(server.status == SpanStatus(code: .error, message: "internal error"))

        let client = ss.spans[1]
        #expect(client.parentSpanID == server.spanID)
        #expect(client.kind == .client)
        #expect(client.startTimeUnixNano == 1_544_712_660_100_000_000)
        #expect(client.endTimeUnixNano == 1_544_712_660_200_000_000)
        #expect(client.status == SpanStatus(code: .ok))
    }

    @Test func unknownFieldsAreIgnored() throws {
        let decoded = try decode(#"""
        {"resourceSpans": [{"futureField": {"deep": [1, 2, {"x": null}]},
          "scopeSpans": [{"scope": {"name": "s", "extra": true}, "spans": [
            {"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "n",
             "newThing": "x", "status": {"code": 0, "details": []},
             "attributes": [{"key": "k", "value": {"stringValue": "v", "unknownValue": 1}, "extra": 2}]}]}]}],
         "somethingElse": 42}
        """#)
        let span = try #require(decoded.batch.flattened.first?.span)
        #expect(span.name == "n")
        #expect(span.attributes == [Attribute("k", .string("v"))])
        #expect(decoded.batch.resourceSpans[0].scopeSpans[0].scope.name == "s")
    }

    @Test func spansWithBadIDsAreRejectedAndTheOthersKept() throws {
        let good = #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "good"}"#
        let bad = [
            #"{"traceId": "0102", "spanId": "0102030405060708"}"#,
            #"{"traceId": "00000000000000000000000000000000", "spanId": "0102030405060708"}"#,
            #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0000000000000000"}"#,
            #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "zz02030405060708"}"#,
            #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "parentSpanId": "01"}"#,
            #"{"spanId": "0102030405060708"}"#,
            #"{"traceId": "0102030405060708090a0b0c0d0e0f10"}"#,
        ]
        let body = #"{"resourceSpans":[{"scopeSpans":[{"spans":["# + ([good] + bad + [good]).joined(separator: ",") + "]}]}]}"
        let decoded = try decode(body)
        #expect(decoded.batch.spanCount == 2)
        #expect(decoded.batch.flattened.allSatisfy { $0.span.name == "good" })
        #expect(decoded.rejections.count == bad.count)
        let reasons = decoded.rejections.reasons
        #expect(reasons[0] == "resourceSpans[0].scopeSpans[0].spans[1]: traceId must be 16 bytes, got 2")
        #expect(reasons[1] == "resourceSpans[0].scopeSpans[0].spans[2]: traceId is all zeros")
        #expect(reasons[2] == "resourceSpans[0].scopeSpans[0].spans[3]: spanId is all zeros")
        #expect(reasons[3].hasPrefix("resourceSpans[0].scopeSpans[0].spans[4]: spanId must be 8 bytes"))
        #expect(reasons[3].hasSuffix("which is not hex"))
        #expect(reasons[4] == "resourceSpans[0].scopeSpans[0].spans[5]: parentSpanId must be empty or 8 bytes, got 1")
        #expect(decoded.rejections.message.contains("and 2 more"))
    }

    @Test func wrongTypesNameTheFullPath() {
        let span = #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708"}"#
        let body = #"{"resourceSpans":[{"scopeSpans":[{"spans":["# + span + "," + span + ","
            + #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "startTimeUnixNano": true}"#
            + "]}]}]}"
        #expect(decodeError(body) == .wrongJSONType(field: "resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano",
                                                    expected: "an integer (a number or a decimal string)"))
        #expect(decodeError(#"{"resourceSpans": {}}"#) == .wrongJSONType(field: "resourceSpans", expected: "an array"))
        #expect(decodeError("[]") == .wrongJSONType(field: "ExportTraceServiceRequest", expected: "an object"))
        #expect(decodeError(#"{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"boolValue":"yes"}}]}}]}"#)
            == .wrongJSONType(field: "resourceSpans[0].resource.attributes[0].value.boolValue", expected: "a boolean"))
    }

    @Test func badValuesAreInvalid() {
        let prefix = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "#
        if case .invalidValue(let field, _)? = decodeError(prefix + #""kind": "SPAN_KIND_NOPE"}]}]}]}"#) {
            #expect(field == "resourceSpans[0].scopeSpans[0].spans[0].kind")
        } else {
            Issue.record("unknown enum name accepted")
        }
        if case .invalidValue(let field, _)? = decodeError(prefix + #""startTimeUnixNano": "-1"}]}]}]}"#) {
            #expect(field == "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano")
        } else {
            Issue.record("negative time accepted")
        }
        if case .invalidValue(let field, _)? = decodeError(prefix + #""attributes":[{"key":"b","value":{"bytesValue":"A"}}]}]}]}]}"#) {
            #expect(field == "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.bytesValue")
        } else {
            Issue.record("bad base64 accepted")
        }
        #expect(decodeError(prefix + #""flags": 4294967296}]}]}]}"#) != nil)
        #expect(decodeError(prefix + #""attributes":[{"key":"i","value":{"intValue":"9223372036854775808"}}]}]}]}]}"#) != nil)
    }

    @Test func malformedJSONAndDeepNestingFailTheRequest() {
        guard case .invalidJSON? = decodeError(#"{"resourceSpans": [}"#) else {
            Issue.record("malformed JSON accepted")
            return
        }
        let deep = String(repeating: #"{"arrayValue":{"values":["#, count: 100)
        guard case .nestingTooDeep? = decodeError(#"{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":"# + deep) else {
            Issue.record("deep nesting accepted")
            return
        }
    }

    @Test func base64AcceptsMissingPaddingAndRefusesGarbage() {
        #expect(OTLPJSONDecoder.base64Decode("") == [])
        #expect(OTLPJSONDecoder.base64Decode("TQ==") == [0x4D])
        #expect(OTLPJSONDecoder.base64Decode("TQ") == [0x4D])
        #expect(OTLPJSONDecoder.base64Decode("TWE") == [0x4D, 0x61])
        #expect(OTLPJSONDecoder.base64Decode("TWFu") == [0x4D, 0x61, 0x6E])
        #expect(OTLPJSONDecoder.base64Decode("+/+/") == [0xFB, 0xFF, 0xBF])
        #expect(OTLPJSONDecoder.base64Decode("T") == nil)
        #expect(OTLPJSONDecoder.base64Decode("TQ=") == nil)
        #expect(OTLPJSONDecoder.base64Decode("TQ==TQ==") == nil)
        #expect(OTLPJSONDecoder.base64Decode("T Q==") == nil)
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }
            let text = OTLPJSONEncoder.base64Encode(bytes)
            #expect(text.utf8.count % 4 == 0)
            #expect(OTLPJSONDecoder.base64Decode(text) == bytes)
            #expect(OTLPJSONDecoder.base64Decode(String(text.filter { $0 != "=" })) == bytes)
        }
        #expect(OTLPJSONEncoder.base64Encode(Array("Man".utf8) + [0x4D]) == "TWFuTQ==")
    }

    // MARK: Encoding

    /// A batch using every attribute value case, nested arrays and lists, and every span field.
    private var everything: TraceBatch {
        let values: [AttributeValue] = [
            .string("plain"), .string("\"quoted\"\n\t\u{01}é中😀\\"), .string(""),
            .bool(true), .bool(false),
            .int(0), .int(-1), .int(Int64.max), .int(Int64.min),
            .double(0), .double(-0.0), .double(0.1), .double(-1.5e300), .double(Double.leastNonzeroMagnitude), .double(.infinity), .double(-.infinity),
            .bytes([]), .bytes([0, 255, 1]), .bytes(Array(0...255)),
            .empty,
            .array([]), .array([.int(1), .string("two"), .array([.empty, .bool(false)]), .keyValueList([Attribute("x", .double(2.5))])]),
            .keyValueList([]), .keyValueList([Attribute("nested", .keyValueList([Attribute("deeper", .array([.bytes([7])]))])), Attribute("", .empty)]),
        ]
        let attributes = values.enumerated().map { Attribute("k\($0.offset)", $0.element) }
        let span = Span(
            traceID: TraceID(high: 0xFFFF_0000_0000_0001, low: 2), spanID: SpanID(0x0A0B_0C0D_0E0F_1011),
            parentSpanID: SpanID(UInt64.max), traceState: "a=b,c=d", flags: 0x301, name: "op",
            kind: .consumer, startTimeUnixNano: UInt64.max - 1, endTimeUnixNano: UInt64.max,
            attributes: attributes, droppedAttributesCount: 3,
            events: [SpanEvent(timeUnixNano: 1, name: "e", attributes: attributes, droppedAttributesCount: 4), SpanEvent(timeUnixNano: 0, name: "")],
            droppedEventsCount: 5,
            links: [SpanLink(traceID: TraceID(high: 0, low: 0), spanID: .none), SpanLink(traceID: TraceID(high: 1, low: 1), spanID: SpanID(9), traceState: "x=y", attributes: attributes, droppedAttributesCount: 6, flags: 0x100)],
            droppedLinksCount: 7, status: SpanStatus(code: .error, message: "bad"))
        let minimal = Span(traceID: TraceID(high: 0, low: 1), spanID: SpanID(1), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0)
        let messageOnly = Span(traceID: TraceID(high: 0, low: 1), spanID: SpanID(2), name: "m", kind: .internal,
                               startTimeUnixNano: 5, endTimeUnixNano: 6, status: SpanStatus(code: .unset, message: "only a message"))
        return TraceBatch(resourceSpans: [
            ResourceSpans(
                resource: Resource(attributes: attributes, droppedAttributesCount: 8),
                scopeSpans: [
                    ScopeSpans(scope: InstrumentationScope(name: "lib", version: "1.0", attributes: attributes, droppedAttributesCount: 9),
                               spans: [span, minimal, messageOnly], schemaURL: "https://example.com/s"),
                    ScopeSpans(scope: InstrumentationScope(), spans: []),
                ],
                schemaURL: "https://example.com/r"),
            ResourceSpans(resource: Resource(), scopeSpans: []),
        ])
    }

    @Test func roundTripGivesBackAnEqualBatch() throws {
        let batch = everything
        let json = OTLPJSONEncoder().encode(batch)
        let decoded = try OTLPJSONDecoder().decode(json)
        #expect(decoded.rejections.count == 0)
        #expect(decoded.batch == batch)
        // Stable: encoding the decoded batch gives the same bytes.
        #expect(OTLPJSONEncoder().encode(decoded.batch) == json)
    }

    @Test func nanSurvivesTheRoundTripAsTheString() throws {
        let batch = TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(attributes: [Attribute("n", .double(.nan))]), scopeSpans: [])])
        let json = OTLPJSONEncoder().encode(batch)
        #expect(String(decoding: json, as: UTF8.self).contains(#"{"doubleValue":"NaN"}"#))
        let value = try OTLPJSONDecoder().decode(json).batch.resourceSpans[0].resource.attributes[0].value
        guard case .double(let d) = value else { Issue.record("not a double"); return }
        #expect(d.isNaN)
    }

    @Test func encodesIDsInLowercaseHexAndInt64sAsStrings() {
        let span = Span(traceID: TraceID(high: 0xABCD_EF00_0000_0000, low: 1), spanID: SpanID(0xABCD_EF00_0000_0001),
                        name: "x", kind: .server, startTimeUnixNano: 10, endTimeUnixNano: 20,
                        attributes: [Attribute("i", .int(-5)), Attribute("e", .empty)])
        let text = String(decoding: OTLPJSONEncoder().encode(TraceBatch(resourceSpans: [
            ResourceSpans(resource: Resource(), scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: [span])]),
        ])), as: UTF8.self)
        #expect(text == #"{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{"traceId":"abcdef00000000000000000000000001","spanId":"abcdef0000000001","name":"x","kind":2,"startTimeUnixNano":"10","endTimeUnixNano":"20","attributes":[{"key":"i","value":{"intValue":"-5"}},{"key":"e","value":{}}]}]}]}]}"#)
    }

    @Test func encodesExportResponsesAndStatuses() {
        let encoder = OTLPJSONEncoder()
        #expect(String(decoding: encoder.encodeResponse(rejectedSpans: 0, errorMessage: ""), as: UTF8.self) == "{}")
        #expect(String(decoding: encoder.encodeResponse(rejectedSpans: 3, errorMessage: "3 span(s) rejected: \"x\""), as: UTF8.self)
            == #"{"partialSuccess":{"rejectedSpans":"3","errorMessage":"3 span(s) rejected: \"x\""}}"#)
        #expect(String(decoding: encoder.encodeStatus(code: 3, message: "invalid JSON at byte 4"), as: UTF8.self)
            == #"{"code":3,"message":"invalid JSON at byte 4"}"#)
    }

    @Test(arguments: 0..<50)
    func randomBatchesRoundTrip(seed: Int) throws {
        let batch = RandomSpans.batch(seed: UInt64(seed) &+ 1000)
        let decoded = try OTLPJSONDecoder().decode(OTLPJSONEncoder().encode(batch))
        #expect(decoded.rejections.count == 0)
        #expect(decoded.batch == batch)
    }
}
