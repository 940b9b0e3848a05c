/// Spans packed into one byte buffer, for buffers that hold many spans for a while (the tail
/// sampler's pending traces): about as small as their OTLP protobuf encoding, instead of the
/// several hundred bytes of structs, arrays and strings a `Span` value points to.
///
/// The layout is private to this type (fixed-width IDs and timestamps, LEB128 lengths and
/// counts, zig-zag integers) and round-trips every field of `Span` exactly.
public struct PackedSpans: Hashable, Sendable {
    /// The packed bytes, with no spare capacity.
    public let bytes: [UInt8]
    /// The number of spans packed.
    public let count: Int

    /// Packs the spans, in order.
    public init(_ spans: [Span]) {
        var writer = SpanPackWriter()
        for span in spans { writer.write(span) }
        bytes = Array(writer.bytes[...])
        count = spans.count
    }

    /// Heap bytes held: the buffer and its header.
    public var footprintBytes: Int { bytes.isEmpty ? 0 : bytes.count + 32 }

    /// The spans, in the order they were packed.
    public func unpacked() -> [Span] {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = SpanPackReader(buffer)
            var spans: [Span] = []
            spans.reserveCapacity(count)
            for _ in 0..<count { spans.append(reader.readSpan()) }
            return spans
        }
    }
}

/// Appends spans to a growing buffer in `PackedSpans`' layout.
struct SpanPackWriter {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func write(_ span: Span) {
        fixed(span.traceID.high); fixed(span.traceID.low)
        fixed(span.spanID.value); fixed(span.parentSpanID.value)
        varint(UInt64(span.flags))
        bytes.append(UInt8(truncatingIfNeeded: span.kind.rawValue))
        fixed(span.startTimeUnixNano); fixed(span.endTimeUnixNano)
        string(span.name); string(span.traceState)
        attributes(span.attributes); varint(UInt64(span.droppedAttributesCount))
        varint(UInt64(span.events.count))
        for event in span.events {
            fixed(event.timeUnixNano); string(event.name)
            attributes(event.attributes); varint(UInt64(event.droppedAttributesCount))
        }
        varint(UInt64(span.droppedEventsCount))
        varint(UInt64(span.links.count))
        for link in span.links {
            fixed(link.traceID.high); fixed(link.traceID.low); fixed(link.spanID.value)
            string(link.traceState); attributes(link.attributes)
            varint(UInt64(link.droppedAttributesCount)); varint(UInt64(link.flags))
        }
        varint(UInt64(span.droppedLinksCount))
        bytes.append(UInt8(truncatingIfNeeded: span.status.code.rawValue))
        string(span.status.message)
    }

    private mutating func attributes(_ list: [Attribute]) {
        varint(UInt64(list.count))
        for attribute in list {
            string(attribute.key)
            value(attribute.value)
        }
    }

    private mutating func value(_ value: AttributeValue) {
        switch value {
        case .empty: bytes.append(0)
        case .string(let s): bytes.append(1); string(s)
        case .bool(let b): bytes.append(b ? 3 : 2)
        case .int(let i): bytes.append(4); varint(UInt64(bitPattern: (i << 1) ^ (i >> 63)))
        case .double(let d): bytes.append(5); fixed(d.bitPattern)
        case .bytes(let b): bytes.append(6); varint(UInt64(b.count)); bytes.append(contentsOf: b)
        case .array(let values): bytes.append(7); varint(UInt64(values.count)); for v in values { self.value(v) }
        case .keyValueList(let list): bytes.append(8); attributes(list)
        }
    }

    private mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func fixed(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads spans back from a buffer `SpanPackWriter` filled. The buffer is trusted: it never
/// leaves the process, so a malformed one is a programming error and traps.
struct SpanPackReader {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var offset = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func readSpan() -> Span {
        let traceID = TraceID(high: fixed(), low: fixed())
        let spanID = SpanID(fixed())
        let parent = SpanID(fixed())
        let flags = UInt32(varint())
        let kind = SpanKind(rawValue: Int32(byte())) ?? .unspecified
        let start = fixed(), end = fixed()
        let name = string(), traceState = string()
        let attributes = self.attributes()
        let droppedAttributes = UInt32(varint())
        var events: [SpanEvent] = []
        let eventCount = Int(varint())
        if eventCount > 0 {
            events.reserveCapacity(eventCount)
            for _ in 0..<eventCount {
                events.append(SpanEvent(timeUnixNano: fixed(), name: string(), attributes: self.attributes(), droppedAttributesCount: UInt32(varint())))
            }
        }
        let droppedEvents = UInt32(varint())
        var links: [SpanLink] = []
        let linkCount = Int(varint())
        if linkCount > 0 {
            links.reserveCapacity(linkCount)
            for _ in 0..<linkCount {
                links.append(SpanLink(traceID: TraceID(high: fixed(), low: fixed()), spanID: SpanID(fixed()), traceState: string(),
                                      attributes: self.attributes(), droppedAttributesCount: UInt32(varint()), flags: UInt32(varint())))
            }
        }
        let droppedLinks = UInt32(varint())
        let code = SpanStatus.Code(rawValue: Int32(byte())) ?? .unset
        let status = SpanStatus(code: code, message: string())
        return Span(traceID: traceID, spanID: spanID, parentSpanID: parent, traceState: traceState, flags: flags, name: name, kind: kind,
                    startTimeUnixNano: start, endTimeUnixNano: end, attributes: attributes, droppedAttributesCount: droppedAttributes,
                    events: events, droppedEventsCount: droppedEvents, links: links, droppedLinksCount: droppedLinks, status: status)
    }

    private mutating func attributes() -> [Attribute] {
        let count = Int(varint())
        guard count > 0 else { return [] }
        var list: [Attribute] = []
        list.reserveCapacity(count)
        for _ in 0..<count { list.append(Attribute(string(), value())) }
        return list
    }

    private mutating func value() -> AttributeValue {
        switch byte() {
        case 0: return .empty
        case 1: return .string(string())
        case 2: return .bool(false)
        case 3: return .bool(true)
        case 4:
            let z = varint()
            return .int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
        case 5: return .double(Double(bitPattern: fixed()))
        case 6:
            let count = Int(varint())
            defer { offset += count }
            return .bytes(Array(buffer[offset..<offset + count]))
        case 7:
            let count = Int(varint())
            var values: [AttributeValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(value()) }
            return .array(values)
        case 8: return .keyValueList(attributes())
        case let tag: preconditionFailure("PackedSpans: unknown value tag \(tag)")
        }
    }

    private mutating func string() -> String {
        let count = Int(varint())
        defer { offset += count }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<offset + count]), as: UTF8.self)
    }

    private mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return buffer[offset]
    }

    private mutating func varint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = byte()
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    private mutating func fixed() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[offset..<offset + 8]))) }
        offset += 8
        return UInt64(littleEndian: value)
    }
}
