/// Estimates of the heap memory a model value holds, for byte-bounded buffers (what a
/// `TraceSlice` of model spans counts toward the memory limiter). They count inline struct sizes, string bytes that do
/// not fit inline, and array storage; allocator overhead is not counted.
extension String {
    /// Heap bytes held by the string (0 for small strings stored inline).
    @inlinable public var footprintBytes: Int {
        let count = utf8.count
        return count <= 15 ? 0 : count + 32
    }
}

extension AttributeValue {
    public var footprintBytes: Int {
        switch self {
        case .string(let s): return s.footprintBytes
        case .bytes(let b): return b.isEmpty ? 0 : b.count + 32
        case .array(let values): return 32 + values.reduce(values.count * MemoryLayout<AttributeValue>.stride) { $0 + $1.footprintBytes }
        case .keyValueList(let attributes): return attributes.footprintBytes
        case .bool, .int, .double, .empty: return 0
        }
    }
}

extension Array where Element == Attribute {
    public var footprintBytes: Int {
        isEmpty ? 0 : 32 + reduce(count * MemoryLayout<Attribute>.stride) { $0 + $1.key.footprintBytes + $1.value.footprintBytes }
    }
}

extension Span {
    /// The span's own size plus everything it points to.
    public var footprintBytes: Int {
        var total = MemoryLayout<Span>.stride + name.footprintBytes + traceState.footprintBytes + status.message.footprintBytes
        total += attributes.footprintBytes
        if !events.isEmpty {
            total += 32 + events.reduce(events.count * MemoryLayout<SpanEvent>.stride) { $0 + $1.name.footprintBytes + $1.attributes.footprintBytes }
        }
        if !links.isEmpty {
            total += 32 + links.reduce(links.count * MemoryLayout<SpanLink>.stride) { $0 + $1.traceState.footprintBytes + $1.attributes.footprintBytes }
        }
        return total
    }
}

extension Resource {
    public var footprintBytes: Int { MemoryLayout<Resource>.stride + attributes.footprintBytes }
}
