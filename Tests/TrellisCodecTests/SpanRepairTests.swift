import Testing
import TrellisCodec
import TrellisModel

/// Section 4 of the dialects issue: inputs real fleets send are repaired, not refused, on every receiver.
@Suite struct SpanRepairTests {
    private let receiveTime: UInt64 = 1_800_000_000_000_000_000

    private func repaired(_ format: WireFormat, _ spans: [WireSpan]) throws -> (spans: [(resource: Resource, span: Span)], counts: SpanRepair.Counts) {
        var decoded = try format.decode(spans)
        #expect(decoded.rejections.count == 0)
        let counts = SpanRepair(receiveTimeUnixNano: receiveTime).apply(to: &decoded)
        return (decoded.batch.flattened.map { ($0.resource, $0.span) }, counts)
    }

    @Test(arguments: WireFormat.allCases)
    func aTruncatedUTF8NameIsRepairedAndTheValidRootKept(format: WireFormat) throws {
        let root = WireSpan(spanHex: "eee19b7ec3c1b174", name: Array("GET /cart".utf8))
        let child = WireSpan(spanHex: "eee19b7ec3c1b175", parentHex: "eee19b7ec3c1b174", name: [0x63, 0x61, 0x6C, 0xC3])
        let (spans, counts) = try repaired(format, [root, child])
        #expect(spans.map(\.span.name) == ["GET /cart", "cal\u{FFFD}"])
        #expect(spans[0].span.warnings.isEmpty)
        #expect(spans[1].span.warnings == ["invalid UTF-8 replaced with U+FFFD in the span name"])
        #expect(counts.invalidUTF8 == 1)
    }

    @Test(arguments: WireFormat.allCases)
    func invalidUTF8InResourcesAndAttributesIsRepairedWhereItIs(format: WireFormat) throws {
        let span = WireSpan(spanHex: "eee19b7ec3c1b174", service: [0x73, 0x76, 0xFF], name: Array("ok".utf8),
                            attribute: (key: [0x6B, 0xC0, 0xAF], value: [0x76, 0xED, 0xA0, 0x80]))
        let (spans, counts) = try repaired(format, [span])
        let only = try #require(spans.first)
        #expect(only.resource.serviceName == "sv\u{FFFD}")
        #expect(only.span.attributes.contains(Attribute("k\u{FFFD}\u{FFFD}", .string("v\u{FFFD}\u{FFFD}\u{FFFD}"))))
        #expect(only.span.warnings == ["invalid UTF-8 replaced with U+FFFD in resource, the span's attributes"])
        #expect(counts.invalidUTF8 == 1)
    }

    @Test(arguments: WireFormat.allCases)
    func blankSpanNamesGetThePlaceholderAndBlankServicesTheDefault(format: WireFormat) throws {
        let empty = WireSpan(spanHex: "eee19b7ec3c1b174", service: Array("".utf8), name: [])
        let spaces = WireSpan(spanHex: "eee19b7ec3c1b175", service: Array("  ".utf8), name: Array("  ".utf8) + [0xE3, 0x80, 0x80])  // U+3000 ideographic space
        let (spans, counts) = try repaired(format, [empty, spaces])
        #expect(spans.map(\.span.name) == ["unknown_span", "unknown_span"])
        #expect(spans.map(\.resource.serviceName) == ["unknown_service", "unknown_service"])
        #expect(spans.allSatisfy { $0.span.warnings == ["the span name was blank; it is stored as unknown_span"] })
        #expect(counts.blankName == 2)
    }

    @Test(arguments: WireFormat.allCases)
    func zeroAndInvertedTimesNeverReachTheStore(format: WireFormat) throws {
        let noTimes = WireSpan(spanHex: "eee19b7ec3c1b174", name: Array("a".utf8), startNanos: 0, endNanos: 0)
        let inverted = WireSpan(spanHex: "eee19b7ec3c1b175", name: Array("b".utf8), startNanos: 1_700_000_000_500_000_000, endNanos: 1_700_000_000_250_000_000)
        let (spans, counts) = try repaired(format, [noTimes, inverted])
        #expect(spans[0].span.startTimeUnixNano == receiveTime)
        #expect(spans[0].span.durationNanos == 0)
        #expect(spans[1].span.startTimeUnixNano == 1_700_000_000_500_000_000)
        #expect(spans[1].span.endTimeUnixNano == spans[1].span.startTimeUnixNano)
        #expect(spans[0].span.warnings == ["the start and end times were missing; the time Trellis received the span was used"])
        #expect(counts.missingStart == 1)
        if format == .zipkinJSON || format == .zipkinProtobuf {
            // Zipkin's duration is unsigned: the inverted span arrives without one, a legitimate instant.
            #expect(spans[1].span.warnings.isEmpty)
        } else if format == .jaegerThrift {
            #expect(spans[1].span.warnings == ["the duration was negative (-250000 µs); it is taken as 0"])
        } else if format == .jaegerProtobuf {
            #expect(spans[1].span.warnings == ["the duration was negative (0 s -250000000 ns); it is taken as 0"])
        } else {
            #expect(spans[1].span.warnings == ["the end time was 250000000 ns before the start time; the duration is taken as 0"])
            #expect(counts.endBeforeStart == 1)
        }
    }

    @Test func eachTimeRuleOnTheModel() {
        let base = Span(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "s", startTimeUnixNano: 0, endTimeUnixNano: 0)
        var onlyEnd = base
        onlyEnd.endTimeUnixNano = 1_000
        var noEnd = base
        noEnd.startTimeUnixNano = 5_000
        var inverted = noEnd
        inverted.endTimeUnixNano = 4_000
        var eventless = noEnd
        eventless.endTimeUnixNano = 9_000
        eventless.events = [SpanEvent(timeUnixNano: 0, name: "retry"), SpanEvent(timeUnixNano: 6_000, name: "kept")]
        var decoded = DecodedTraces(batch: TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(), scopeSpans: [
            ScopeSpans(scope: InstrumentationScope(), spans: [base, onlyEnd, noEnd, inverted, eventless])])]))
        let counts = SpanRepair(receiveTimeUnixNano: receiveTime).apply(to: &decoded)
        let spans = decoded.batch.flattened.map(\.span)
        #expect(spans.map(\.startTimeUnixNano) == [receiveTime, 1_000, 5_000, 5_000, 5_000])
        #expect(spans.map(\.endTimeUnixNano) == [receiveTime, 1_000, 5_000, 5_000, 9_000])
        #expect(spans[0].warnings == ["the start and end times were missing; the time Trellis received the span was used"])
        #expect(spans[1].warnings == ["the start time was missing; the end time was used, so the duration is 0"])
        #expect(spans[2].warnings == ["the end time was missing; the duration is taken as 0"])
        #expect(spans[3].warnings == ["the end time was 1000 ns before the start time; the duration is taken as 0"])
        #expect(spans[4].events.map(\.timeUnixNano) == [5_000, 6_000])
        #expect(spans[4].warnings == [#"event "retry" had no time; the span's start time was used"#])
        #expect(counts.missingStart == 2 && counts.missingEnd == 1 && counts.endBeforeStart == 1 && counts.eventWithoutTime == 1)
    }

    @Test func spansThatNeedNothingAreLeftAlone() throws {
        let batch = RandomSpans.batch(seed: 3)
        var decoded = DecodedTraces(batch: batch)
        for r in decoded.batch.resourceSpans.indices {
            for s in decoded.batch.resourceSpans[r].scopeSpans.indices {
                for i in decoded.batch.resourceSpans[r].scopeSpans[s].spans.indices {
                    decoded.batch.resourceSpans[r].scopeSpans[s].spans[i].name = "op"
                    decoded.batch.resourceSpans[r].scopeSpans[s].spans[i].startTimeUnixNano = 1
                    decoded.batch.resourceSpans[r].scopeSpans[s].spans[i].endTimeUnixNano = 2
                    decoded.batch.resourceSpans[r].scopeSpans[s].spans[i].events = []
                }
            }
        }
        let before = decoded.batch
        let counts = SpanRepair(receiveTimeUnixNano: receiveTime).apply(to: &decoded)
        #expect(decoded.batch == before)
        #expect(counts == SpanRepair.Counts())
    }
}
