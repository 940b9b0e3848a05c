import Testing
import TrellisCodec
import TrellisModel

@Suite struct OTLPJSONDecoderTests {
    private let request = #"""
    {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
      "scopeSpans":[{"scope":{"name":"manual","version":"1.0"},"unknownField":[1,2,3],
        "spans":[
          {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"",
           "name":"GET /cart","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000250000000,
           "attributes":[{"key":"http.response.status_code","value":{"intValue":"500"}},
                         {"key":"retry","value":{"intValue":3}},
                         {"key":"ratio","value":{"doubleValue":0.25}},
                         {"key":"blob","value":{"bytesValue":"AQID"}}],
           "events":[{"timeUnixNano":"1700000000100000000","name":"exception",
                      "attributes":[{"key":"exception.type","value":{"stringValue":"IOError"}}]}],
           "status":{"code":2,"message":"boom"}},
          {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000000","name":"bad"},
          {"traceId":"5b8efff7","spanId":"eee19b7ec3c1b175","name":"short trace id"},
          {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b176","parentSpanId":"eee19b7ec3c1b174",
           "name":"SELECT","kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_OK"}}
        ]}]}]}
    """#

    @Test func decodesARealisticRequestAndReportsBadSpansOnTheirOwn() throws {
        let decoded = try OTLPJSONDecoder().decode(Array(request.utf8))
        let spans = decoded.batch.flattened
        #expect(spans.count == 2)
        #expect(decoded.rejections.count == 2)
        #expect(decoded.rejections.reasons == [
            "resourceSpans[0].scopeSpans[0].spans[1]: spanId is all zeros",
            "resourceSpans[0].scopeSpans[0].spans[2]: traceId must be 16 bytes, got 4",
        ])
        let (resource, scope, server) = spans[0]
        #expect(resource.serviceName == "checkout")
        #expect(scope == InstrumentationScope(name: "manual", version: "1.0"))
        #expect(server.traceID.hex == "5b8efff798038103d269b633813fc60c")
        #expect(server.spanID.hex == "eee19b7ec3c1b174")
        #expect(server.isRoot)
        #expect(server.kind == .server)
        #expect(server.durationNanos == 250_000_000)
        #expect(server.attributes == [
            Attribute("http.response.status_code", .int(500)), Attribute("retry", .int(3)),
            Attribute("ratio", .double(0.25)), Attribute("blob", .bytes([1, 2, 3])),
        ])
        #expect(server.events == [SpanEvent(timeUnixNano: 1_700_000_000_100_000_000, name: "exception", attributes: [Attribute("exception.type", .string("IOError"))])])
        #expect(server.status == SpanStatus(code: .error, message: "boom"))
        let client = spans[1].span
        #expect(client.kind == .client)
        #expect(client.parentSpanID == server.spanID)
        #expect(client.status.code == .ok)
    }

    /// swift-otel 1.6.0's OTLP/JSON exporter writes IDs in base64 (the plain proto3 mapping).
    @Test func base64IDsOfTheRightLengthAreTakenAndCountedOthersStillRejected() throws {
        let body = #"""
        {"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[
          {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","parentSpanId":"APBnqgupArc=","name":"padded",
           "links":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"APBnqgupArc="}]},
          {"traceId":"W47/95gDgQPSabYzgT/GDA","spanId":"7uGbfsPBsXQ","name":"unpadded"},
          {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","name":"hex"},
          {"traceId":"W47/95gDgQPSabYzgT/G","spanId":"eee19b7ec3c1b176","name":"base64 of 15 bytes"}
        ]}]}]}
        """#
        let decoded = try OTLPJSONDecoder().decode(Array(body.utf8))
        let spans = decoded.batch.flattened.map(\.span)
        #expect(spans.map(\.name) == ["padded", "unpadded", "hex"])
        #expect(spans.allSatisfy { $0.traceID.hex == "5b8efff798038103d269b633813fc60c" })
        #expect(spans[0].spanID.hex == "eee19b7ec3c1b174" && spans[0].parentSpanID.hex == "00f067aa0ba902b7")
        #expect(spans[0].links.map(\.spanID.hex) == ["00f067aa0ba902b7"])
        #expect(spans[1].spanID.hex == "eee19b7ec3c1b174")
        #expect(decoded.base64IDSpans == 2)
        #expect(decoded.rejections.reasons == [
            "resourceSpans[0].scopeSpans[0].spans[3]: traceId must be 16 bytes (32 hex digits), got 'W47/95gDgQPSabYzgT/G', which is not hex",
        ])
    }

    @Test func wrongMemberTypesNameTheField() {
        let body = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","startTimeUnixNano":true}]}]}]}"#
        #expect(throws: CodecError.wrongJSONType(field: "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano", expected: "an integer (a number or a decimal string)")) {
            try OTLPJSONDecoder().decode(Array(body.utf8))
        }
        #expect(throws: CodecError.wrongJSONType(field: "ExportTraceServiceRequest", expected: "an object")) {
            try OTLPJSONDecoder().decode(Array("[]".utf8))
        }
    }

    @Test func responseAndStatusBodiesFollowTheMapping() {
        let encoder = OTLPJSONEncoder()
        #expect(String(decoding: encoder.encodeResponse(rejectedSpans: 0, errorMessage: ""), as: UTF8.self) == "{}")
        #expect(String(decoding: encoder.encodeResponse(rejectedSpans: 2, errorMessage: "bad \"ids\""), as: UTF8.self)
            == #"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad \"ids\""}}"#)
        #expect(String(decoding: encoder.encodeStatus(code: 3, message: "x"), as: UTF8.self) == #"{"code":3,"message":"x"}"#)
    }
}
