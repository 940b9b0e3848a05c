/// A size in bytes written as `512`, `64KiB`, `256MiB`, `10GiB` (or KB/MB/GB, which mean the same powers of 1024).
public struct ByteSize: Decodable, Hashable, Sendable, CustomStringConvertible {
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }
    public static func mebibytes(_ n: Int) -> ByteSize { ByteSize(bytes: n << 20) }

    public init?(parsing text: String) {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("B", 1)]
        let trimmed = text.filter { $0 != " " }
        if let plain = Int(trimmed), plain >= 0 { bytes = plain; return }
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value >= 0, value * Double(factor) < Double(Int.max) else { return nil }
            bytes = Int(value * Double(factor))
            return
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(Int.self), n >= 0 { bytes = n; return }
        let text = try container.decode(String.self)
        guard let parsed = ByteSize(parsing: text) else {
            throw ConfigError.invalidValue(path: ConfigPath.dotted(decoder.codingPath), reason: "'\(text)' is not a size; write it like 512, 64KiB, 256MiB or 10GiB")
        }
        self = parsed
    }

    public var description: String {
        if bytes % (1 << 30) == 0 && bytes > 0 { return "\(bytes >> 30)GiB" }
        if bytes % (1 << 20) == 0 && bytes > 0 { return "\(bytes >> 20)MiB" }
        return "\(bytes)B"
    }
}
