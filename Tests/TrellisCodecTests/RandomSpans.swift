import TrellisModel

/// A seeded generator of arbitrary (valid) batches for property-based round trips,
/// reproducible from its seed.
struct RandomSpans {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func bool() -> Bool { next() & 1 == 1 }

    mutating func string() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz./_-:0123456789 éü漢字🙂\"\\\n\t")
        return String((0..<int(0...24)).map { _ in alphabet[int(0...(alphabet.count - 1))] })
    }

    mutating func value(depth: Int = 0) -> AttributeValue {
        switch int(0...(depth < 2 ? 7 : 5)) {
        case 0: return .string(string())
        case 1: return .bool(bool())
        case 2: return .int(Int64(bitPattern: next()))
        case 3: return .double(Double(Int64(bitPattern: next() >> 11)) / 1024.0)
        case 4: return .bytes((0..<int(0...12)).map { _ in UInt8(truncatingIfNeeded: next()) })
        case 5: return .empty
        case 6: return .array((0..<int(0...3)).map { _ in value(depth: depth + 1) })
        default: return .keyValueList(attributes(depth: depth + 1))
        }
    }

    mutating func attributes(depth: Int = 0) -> [Attribute] {
        (0..<int(0...4)).map { _ in Attribute(string(), value(depth: depth)) }
    }

    mutating func span() -> Span {
        let start = next() >> 2
        return Span(
            traceID: TraceID(high: next() | 1, low: next()),
            spanID: SpanID(next() | 1),
            parentSpanID: bool() ? .none : SpanID(next() | 1),
            traceState: bool() ? "" : "vendor=\(int(0...99))",
            flags: UInt32(truncatingIfNeeded: next()) & 0x301,
            name: string(),
            kind: SpanKind(rawValue: Int32(int(0...5)))!,
            startTimeUnixNano: start,
            endTimeUnixNano: start &+ UInt64(int(0...1_000_000_000)),
            attributes: attributes(),
            droppedAttributesCount: UInt32(int(0...2)),
            events: (0..<int(0...2)).map { _ in SpanEvent(timeUnixNano: next() >> 2, name: string(), attributes: attributes(), droppedAttributesCount: UInt32(int(0...1))) },
            droppedEventsCount: UInt32(int(0...1)),
            links: (0..<int(0...2)).map { _ in SpanLink(traceID: TraceID(high: next(), low: next() | 1), spanID: SpanID(next() | 1), traceState: bool() ? "" : "k=v", attributes: attributes(), droppedAttributesCount: UInt32(int(0...1)), flags: UInt32(int(0...1))) },
            droppedLinksCount: UInt32(int(0...1)),
            status: SpanStatus(code: SpanStatus.Code(rawValue: Int32(int(0...2)))!, message: bool() ? "" : string())
        )
    }

    static func batch(seed: UInt64, resources: Int = 2, spansPerScope: Int = 4) -> TraceBatch {
        var r = RandomSpans(seed: seed)
        return TraceBatch(resourceSpans: (0..<resources).map { i in
            ResourceSpans(
                resource: Resource(attributes: [Attribute("service.name", .string("svc-\(i)"))] + r.attributes(), droppedAttributesCount: UInt32(r.int(0...1))),
                scopeSpans: (0..<r.int(1...2)).map { _ in
                    ScopeSpans(scope: InstrumentationScope(name: r.string(), version: r.string(), attributes: r.attributes(), droppedAttributesCount: UInt32(r.int(0...1))),
                               spans: (0..<spansPerScope).map { _ in r.span() },
                               schemaURL: r.bool() ? "" : "https://opentelemetry.io/schemas/1.21.0")
                },
                schemaURL: r.bool() ? "" : "https://opentelemetry.io/schemas/1.24.0")
        })
    }
}
