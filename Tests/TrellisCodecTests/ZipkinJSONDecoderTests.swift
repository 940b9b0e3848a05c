import Testing
import TrellisCodec
import TrellisModel

@Suite struct ZipkinJSONDecoderTests {
    @Test func captureWithFourSpansDecodesIntoTheTraceShape() throws {
        let decoded = try ZipkinJSONDecoder().decode(try Captures.bytes("zipkin/0001_http_zipkin.json"))
        #expect(decoded.rejections.count == 0)
        #expect(decoded.batch.resourceSpans.map(\.resource.serviceName) == ["node-service"])
        let spans = decoded.batch.flattened
        #expect(spans.count == 4)
        for (_, scope, span) in spans {
            #expect(scope.name.hasPrefix("opentelemetry.instrumentation."))
            #expect(span.attributes[key: "otel.scope.name"] == nil)
            #expect(span.attributes[key: "otel.library.name"] == nil)
            #expect(span.endTimeUnixNano > span.startTimeUnixNano)
            if span.kind == .client {
                #expect(spans.contains { $0.span.spanID == span.parentSpanID && $0.span.kind == .server })
            }
        }
    }

    @Test func aSpanWithoutKindIsUnspecifiedNotInternal() throws {
        let body = #"[{"traceId":"d269b633813fc60c","id":"eee19b7ec3c1b174","name":"work","localEndpoint":{"serviceName":"a"}},"# +
            #"{"traceId":"d269b633813fc60c","id":"eee19b7ec3c1b175","name":"work","kind":"","localEndpoint":{"serviceName":"a"}}]"#
        let spans = try ZipkinJSONDecoder().decode(Array(body.utf8)).batch.flattened
        #expect(spans.map(\.span.kind) == [.unspecified, .unspecified])
    }

    @Test func clientSpanPointsAtTheServerSpanThatCalledIt() throws {
        let spans = try ZipkinJSONDecoder().decode(try Captures.bytes("zipkin/0003_http_zipkin.json")).batch.flattened
        #expect(spans.count == 2)
        let client = try #require(spans.first { $0.span.kind == .client })
        let server = try #require(spans.first { $0.span.kind == .server })
        #expect(client.span.name == "POST")
        #expect(server.span.name == "POST /api/simulate")
        #expect(client.span.parentSpanID == server.span.spanID)
        #expect(server.span.isRoot)
        #expect(client.span.traceID == server.span.traceID)
        #expect(client.scope.name == "opentelemetry.instrumentation.requests")
        #expect(server.span.startTimeUnixNano == 1_795_370_889_741_049_000)
        #expect(server.span.durationNanos == 257_606_000)
        #expect(server.span.flags & 1 == 1)
        #expect(server.span.attributes[key: "http.route"] == .string("/api/simulate"))
    }

    @Test func endpointsTagsStatusAnnotationsAndSharedSpansMapOntoTheModel() throws {
        let body = #"""
        [{"traceId":"d269b633813fc60c","id":"eee19b7ec3c1b174","name":"get /users","kind":"SERVER","shared":true,
          "timestamp":1700000000000000,"duration":1500,
          "localEndpoint":{"serviceName":"users","ipv4":"10.0.0.2","port":8080},
          "remoteEndpoint":{"serviceName":"web","ipv4":"10.0.0.1","port":51000},
          "annotations":[{"timestamp":1700000000000500,"value":"cache miss"}],
          "tags":{"error":"timeout","http.method":"GET"}},
         {"traceId":"d269b633813fc60c","id":"zz","name":"broken id"}]
        """#
        let decoded = try ZipkinJSONDecoder().decode(Array(body.utf8))
        #expect(decoded.rejections.count == 1)
        let (resource, _, span) = try #require(decoded.batch.flattened.first)
        #expect(resource.serviceName == "users")
        #expect(span.traceID.hex == "0000000000000000d269b633813fc60c")
        #expect(span.kind == .server)
        #expect(span.parentSpanID.hex == "eee19b7ec3c1b174")
        #expect(span.spanID != span.parentSpanID && span.spanID.isValid)
        #expect(span.status == SpanStatus(code: .error, message: "timeout"))
        #expect(span.events == [SpanEvent(timeUnixNano: 1_700_000_000_000_500_000, name: "cache miss")])
        #expect(span.attributes[key: "peer.service"] == .string("web"))
        #expect(span.attributes[key: "net.peer.ip"] == .string("10.0.0.1"))
        #expect(span.attributes[key: "net.peer.port"] == .int(51000))
        #expect(span.attributes[key: "net.host.ip"] == .string("10.0.0.2"))
        #expect(span.attributes[key: "error"] == nil)
        #expect(span.attributes[key: "http.method"] == .string("GET"))
    }

    @Test func aBodyThatIsNotAListIsAnError() {
        #expect(throws: CodecError.wrongJSONType(field: "request body", expected: "a JSON array of Zipkin v2 spans")) {
            try ZipkinJSONDecoder().decode(Array(#"{"traceId":"1"}"#.utf8))
        }
        #expect(throws: CodecError.invalidValue(field: "[0].kind", reason: "'SIDEWAYS' is not one of CLIENT, SERVER, PRODUCER, CONSUMER")) {
            try ZipkinJSONDecoder().decode(Array(#"[{"traceId":"d269b633813fc60c","id":"eee19b7ec3c1b174","kind":"SIDEWAYS"}]"#.utf8))
        }
    }

    @Test func childrenOfASharedServerSpanHangUnderTheServerSpanNotTheClient() throws {
        // frontend's CLIENT span and backend's shared SERVER span carry the same ID; backend's
        // database call names that ID as its parent, as Zipkin instrumentation writes it.
        let body = #"""
        [{"traceId":"d269b633813fc60c","id":"00000000000000a1","name":"get","kind":"CLIENT","timestamp":1000,"duration":90,
          "localEndpoint":{"serviceName":"frontend"}},
         {"traceId":"d269b633813fc60c","id":"00000000000000a1","name":"get","kind":"SERVER","shared":true,"timestamp":1010,"duration":70,
          "localEndpoint":{"serviceName":"backend"}},
         {"traceId":"d269b633813fc60c","parentId":"00000000000000a1","id":"00000000000000b2","name":"query","kind":"CLIENT",
          "timestamp":1020,"duration":30,"localEndpoint":{"serviceName":"backend"},"remoteEndpoint":{"serviceName":"db"}}]
        """#
        let spans = try ZipkinJSONDecoder().decode(Array(body.utf8)).batch.flattened.map(\.span)
        let client = try #require(spans.first { $0.kind == .client && $0.name == "get" })
        let server = try #require(spans.first { $0.kind == .server })
        let query = try #require(spans.first { $0.name == "query" })
        #expect(server.spanID != client.spanID)
        #expect(server.parentSpanID == client.spanID)
        #expect(query.parentSpanID == server.spanID)
        #expect(client.isRoot)
    }
}
