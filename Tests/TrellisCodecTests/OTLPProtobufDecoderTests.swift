import Testing
import TrellisCodec
import TrellisModel

@Suite struct OTLPProtobufDecoderTests {
    @Test(arguments: Captures.protobufPayloads.map(\.path))
    func everyCaptureDecodesWithItsSpanCountAndService(path: String) throws {
        let expected = Captures.protobufPayloads.first { $0.path == path }!
        let decoded = try OTLPProtobufDecoder().decode(try Captures.bytes(path))
        #expect(decoded.batch.spanCount == expected.spans)
        #expect(decoded.rejections.count == 0)
        #expect(Set(decoded.batch.resourceSpans.map(\.resource.serviceName)) == [expected.service])
        for (resource, scope, span) in decoded.batch.flattened {
            #expect(resource.attributes[key: "telemetry.sdk.language"] == .string("python"))
            #expect(scope.name.hasPrefix("opentelemetry.instrumentation."))
            #expect(span.endTimeUnixNano > span.startTimeUnixNano)
            #expect(span.traceID.isValid && span.spanID.isValid)
        }
    }

    @Test func greetingTraceLinksNodeServerToClientToDemoServer() throws {
        let decoder = OTLPProtobufDecoder()
        let node = try decoder.decode(try Captures.bytes("grpc_greeting/0001_grpc_traces.pb")).batch.flattened.map(\.span)
        let demo = try decoder.decode(try Captures.bytes("grpc_greeting/0002_grpc_traces.pb")).batch.flattened.map(\.span)
        let server = try #require(node.first { $0.kind == .server })
        let client = try #require(node.first { $0.kind == .client })
        let demoServer = try #require(demo.first)
        #expect(server.name == "GET /api/greeting")
        #expect(server.isRoot)
        #expect(client.name == "GET")
        #expect(client.parentSpanID == server.spanID)
        #expect(demoServer.name == "GET /api/greeting")
        #expect(demoServer.kind == .server)
        #expect(demoServer.parentSpanID == client.spanID)
        #expect(Set([server.traceID, client.traceID, demoServer.traceID]).count == 1)
        #expect(server.attributes[key: "http.method"] == .string("GET"))
        #expect(server.attributes[key: "http.status_code"] == .int(200))
    }

    @Test func errorScenarioMarksBothNodeSpansAsErrors() throws {
        for path in ["grpc_error/0002_grpc_traces.pb", "http_error/0002_http_traces.pb"] {
            let spans = try OTLPProtobufDecoder().decode(try Captures.bytes(path)).batch.flattened.map(\.span)
            #expect(spans.count == 2)
            #expect(spans.allSatisfy { $0.status.code == .error })
            #expect(Set(spans.map(\.kind)) == [.server, .client])
        }
    }

    @Test func gzipCapturesInflateToTheirProtobufTwins() throws {
        for name in ["0001", "0003"] {
            let compressed = try Captures.bytes("http_gzip/\(name)_http_traces.pb.gzip")
            let plain = try Captures.bytes("http_gzip/\(name)_http_traces.pb")
            #expect(try Gzip.inflate(compressed, limit: 1 << 20) == plain)
        }
    }

    @Test(arguments: Captures.protobufPayloads.map(\.path))
    func reencodingACaptureReproducesTheSDKBytes(path: String) throws {
        let original = try Captures.bytes(path)
        let decoded = try OTLPProtobufDecoder().decode(original)
        #expect(OTLPProtobufEncoder().encode(decoded.batch) == original)
    }

    @Test func oneDecoderDecodesManyRequestsReusingItsArena() throws {
        let decoder = OTLPProtobufDecoder(initialArenaBytes: 256)
        let body = try Captures.bytes("http_gzip/0003_http_traces.pb")
        let first = try decoder.decode(body)
        for _ in 0..<50 {
            #expect(try decoder.decode(body).batch == first.batch)
        }
    }

    @Test func spansWithBadIDsAreRejectedOnTheirOwn() throws {
        let good = RandomSpans.batch(seed: 7, resources: 1, spansPerScope: 3)
        var batch = good
        batch.resourceSpans[0].scopeSpans[0].spans[1].traceID = TraceID(high: 0, low: 0)
        batch.resourceSpans[0].scopeSpans[0].spans[2].spanID = .none
        let decoded = try OTLPProtobufDecoder().decode(OTLPProtobufEncoder().encode(batch))
        #expect(decoded.batch.spanCount == good.spanCount - 2)
        #expect(decoded.rejections.count == 2)
        #expect(decoded.rejections.message.contains("resourceSpans[0].scopeSpans[0].spans[1]: traceId is all zeros"))
        #expect(decoded.rejections.message.contains("spans[2]: spanId is all zeros"))
        #expect(decoded.batch.resourceSpans[0].scopeSpans[0].spans[0] == good.resourceSpans[0].scopeSpans[0].spans[0])
    }

    @Test func wrongLengthTraceIDIsRejectedWithItsLength() throws {
        var w: [UInt8] = []
        // span { trace_id: 8 bytes, span_id: 8 bytes, name: "x" }
        let span: [UInt8] = [0x0A, 8] + [UInt8](repeating: 1, count: 8) + [0x12, 8] + [UInt8](repeating: 2, count: 8) + [0x2A, 1, 0x78]
        let scopeSpans: [UInt8] = [0x12, UInt8(span.count)] + span
        let resourceSpans: [UInt8] = [0x12, UInt8(scopeSpans.count)] + scopeSpans
        w = [0x0A, UInt8(resourceSpans.count)] + resourceSpans
        let decoded = try OTLPProtobufDecoder().decode(w)
        #expect(decoded.batch.spanCount == 0)
        #expect(decoded.rejections.reasons == ["resourceSpans[0].scopeSpans[0].spans[0]: traceId must be 16 bytes, got 8"])
    }
}
