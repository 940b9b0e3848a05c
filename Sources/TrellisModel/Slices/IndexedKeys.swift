/// The attribute keys whose values the archive indexes, set up for the ingest path's
/// per-attribute check: a key's UTF-8 length is tested against a bit mask before any string is
/// compared, so most attributes are passed over without hashing their keys.
public struct IndexedKeys: Sendable {
    /// No key is indexed.
    public static let none = IndexedKeys([])

    private let keys: [String]
    /// Bit n is set when some key is n bytes long (keys of 64 bytes or more set bit 63).
    private let lengths: UInt64

    public init(_ keys: Set<String>) {
        self.keys = keys.sorted()
        lengths = keys.reduce(0) { $0 | Self.bit($1.utf8.count) }
    }

    private static func bit(_ length: Int) -> UInt64 { 1 << UInt64(min(length, 63)) }

    private func isIndexed(_ key: String) -> Bool {
        lengths & Self.bit(key.utf8.count) != 0 && keys.contains(key)
    }

    /// Adds the values of the indexed keys among `list` that `values` lacks. A slice holds few
    /// distinct values, so a list beats a set.
    public func collect(_ list: [Attribute], into values: inout [IndexedAttribute]) {
        guard lengths != 0 else { return }
        for attribute in list where isIndexed(attribute.key) {
            guard let value = IndexedValue(attribute.value) else { continue }
            let indexed = IndexedAttribute(key: attribute.key, value: value)
            if !values.contains(indexed) { values.append(indexed) }
        }
    }
}
