import TrellisModel

/// The attribute keys the archive indexes, set up for the write path's per-attribute check:
/// a key's UTF-8 length is tested against a bit mask before any string is compared, so most
/// attributes are passed over without hashing their keys.
struct IndexedKeys: Sendable {
    private let keys: [String]
    /// Bit n is set when some key is n bytes long (keys of 64 bytes or more set bit 63).
    private let lengths: UInt64

    init(_ keys: Set<String>) {
        self.keys = keys.sorted()
        lengths = keys.reduce(0) { $0 | Self.bit($1.utf8.count) }
    }

    private static func bit(_ length: Int) -> UInt64 { 1 << UInt64(min(length, 63)) }

    private func isIndexed(_ key: String) -> Bool {
        lengths & Self.bit(key.utf8.count) != 0 && keys.contains(key)
    }

    /// Adds the values of the indexed keys among `list` that `values` lacks: strings, integers,
    /// non-NaN doubles, booleans. A piece holds few distinct values, so a list beats a set.
    func collect(_ list: [Attribute], into values: inout [TracePiece.IndexedAttribute]) {
        guard lengths != 0 else { return }
        for attribute in list where isIndexed(attribute.key) {
            let value: AttributeFilter.Value
            switch attribute.value {
            case .string(let s): value = .string(s)
            case .int(let i): value = .int(i)
            case .double(let d) where !d.isNaN: value = .double(d)
            case .bool(let b): value = .bool(b)
            default: continue
            }
            let indexed = TracePiece.IndexedAttribute(key: attribute.key, value: value)
            if !values.contains(indexed) { values.append(indexed) }
        }
    }
}
