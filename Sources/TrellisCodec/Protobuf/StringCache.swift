import Glibc

/// Reuses Swift strings for byte sequences seen before. Attribute keys and many values
/// (`http.request.method`, `GET`, service names) repeat across every span of every request;
/// a hit costs a hash of a few bytes and one comparison instead of UTF-8 validation and an
/// allocation. Direct-mapped and bounded: a miss simply replaces the slot.
/// Owned by one decoder; not thread-safe.
final class StringCache {
    private struct Entry {
        var hash: UInt64
        var string: String
    }

    private static let slots = 1024
    /// Strings longer than this are not cached (they are rarely repeated and costly to compare).
    private static let maxLength = 64
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: Self.slots)
        entries.initialize(repeating: Entry(hash: 0, string: ""), count: Self.slots)
    }

    deinit {
        entries.deinitialize(count: Self.slots)
        entries.deallocate()
    }

    /// The string for a NUL-terminated C string, or nil when it is not valid UTF-8.
    func string(_ pointer: UnsafePointer<CChar>) -> String? {
        let length = strlen(pointer)
        let raw = UnsafeRawPointer(pointer)
        let bytes = UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: length)
        guard length <= Self.maxLength else { return String(validating: bytes, as: UTF8.self) }
        let hash = Self.hash(raw, length)
        let slot = entries + Int(truncatingIfNeeded: hash % UInt64(Self.slots))
        if slot.pointee.hash == hash,
           slot.pointee.string.utf8.withContiguousStorageIfAvailable({ $0.count == length && memcmp($0.baseAddress!, raw, length) == 0 }) == true {
            return slot.pointee.string
        }
        guard let string = String(validating: bytes, as: UTF8.self) else { return nil }
        slot.pointee = Entry(hash: hash, string: string)
        return string
    }

    /// Mixes the length with the first and last 8 bytes (whole words, no per-byte loop).
    private static func hash(_ raw: UnsafeRawPointer, _ length: Int) -> UInt64 {
        var h = UInt64(length) &* 0x9E37_79B9_7F4A_7C15
        if length >= 8 {
            h ^= raw.loadUnaligned(as: UInt64.self)
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            h ^= raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        } else {
            for i in 0..<length { h = (h << 8) | UInt64(raw.load(fromByteOffset: i, as: UInt8.self)) }
        }
        h = (h ^ (h >> 32)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}

/// Reads the NUL-terminated strings protobuf-c unpacked, through a `StringCache`, repairing
/// invalid UTF-8 with U+FFFD and remembering which strings it repaired (`DecodedTraces.repairedStrings`).
struct CStringReader {
    let cache: StringCache
    private(set) var repaired: Set<String> = []

    init(cache: StringCache) {
        self.cache = cache
    }

    /// The string at `pointer`; empty for NULL.
    mutating func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer, pointer.pointee != 0 else { return "" }
        if let s = cache.string(pointer) { return s }
        let text = String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
        repaired.insert(text)
        return text
    }
}
