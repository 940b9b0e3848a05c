import CZlib

/// CRC-32 (the zlib/PNG polynomial) of bytes, for framing records that must detect torn writes.
public enum CRC32 {
    /// The checksum of `bytes`, continuing from `initial` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return initial }
        return UInt32(truncatingIfNeeded: crc32(uLong(initial), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }

    /// The checksum of `bytes`, continuing from `initial` (0 to start).
    public static func checksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, initial: initial) }
    }
}
