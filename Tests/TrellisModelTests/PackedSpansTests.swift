import Testing
import TrellisModel

@Suite struct PackedSpansTests {
    /// A span using every field and every kind of attribute value, nested.
    private func richSpan(_ n: UInt64) -> Span {
        let nested: [Attribute] = [
            Attribute("list", .array([.string("ünïcødé ✓"), .int(-1), .double(-0.5), .bool(false), .empty, .bytes([0, 255])])),
            Attribute("map", .keyValueList([Attribute("inner", .keyValueList([Attribute("deep", .int(Int64.min))]))])),
        ]
        return Span(
            traceID: TraceID(high: 0xDEAD_BEEF_0000_0001 &* n, low: UInt64.max - n), spanID: SpanID(n), parentSpanID: n.isMultiple(of: 2) ? .none : SpanID(n - 1),
            traceState: "vendor=a,other=b", flags: 0x301, name: "GET /api/greeting with a name longer than fifteen bytes", kind: SpanKind(rawValue: Int32(n % 6))!,
            startTimeUnixNano: 1_700_000_000_000_000_000 + n, endTimeUnixNano: 1_700_000_000_250_000_000 + n,
            attributes: [Attribute("http.response.status_code", .int(Int64.max)), Attribute("ok", .bool(true)), Attribute("ratio", .double(.pi)),
                         Attribute("", .string(""))] + nested,
            droppedAttributesCount: 3,
            events: [SpanEvent(timeUnixNano: 5, name: "exception", attributes: [Attribute("exception.type", .string("java.lang.IllegalStateException"))], droppedAttributesCount: 1)],
            droppedEventsCount: 2,
            links: [SpanLink(traceID: TraceID(high: 7, low: 8), spanID: SpanID(9), traceState: "k=v", attributes: nested, droppedAttributesCount: 4, flags: 1)],
            droppedLinksCount: 6, status: SpanStatus(code: .error, message: "boom"))
    }

    @Test func everyFieldOfEverySpanSurvivesPackingInOrder() {
        let spans = (1...7).map(richSpan) + [Span(traceID: TraceID(high: 0, low: 1), spanID: SpanID(1), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0)]
        let packed = PackedSpans(spans)
        #expect(packed.count == spans.count)
        #expect(packed.unpacked() == spans)
    }

    @Test func syntheticTracesRoundTripAndPackSmallerThanTheirModelFootprint() {
        var random = SplitMix64(seed: 3)
        let batch = SyntheticTraces(spansPerTrace: 5).request(spanCount: 200, startNanos: 1_700_000_000_000_000_000, random: &random)
        for rs in batch.resourceSpans {
            for ss in rs.scopeSpans {
                let packed = PackedSpans(ss.spans)
                #expect(packed.unpacked() == ss.spans)
                #expect(packed.footprintBytes * 2 < ss.spans.reduce(0) { $0 + $1.footprintBytes })
            }
        }
    }

    @Test func noSpansPackIntoNothing() {
        let packed = PackedSpans([])
        #expect(packed.bytes.isEmpty && packed.footprintBytes == 0 && packed.unpacked().isEmpty)
    }
}
