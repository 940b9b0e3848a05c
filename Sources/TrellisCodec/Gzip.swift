import CZlib

/// gzip (and zlib) compression with zlib, for `Content-Encoding: gzip` and `grpc-encoding: gzip`.
public enum Gzip {
    /// Inflates a gzip or zlib stream. Stops with `decompressedTooLarge` as soon as the output
    /// would pass `limit`, so a compression bomb costs at most `limit` bytes of memory.
    public static func inflate(_ input: UnsafeRawBufferPointer, limit: Int) throws(CodecError) -> [UInt8] {
        var stream = z_stream()
        guard trellis_inflate_init_gzip(&stream) == Z_OK else { throw .badCompression(reason: "zlib could not start") }
        defer { inflateEnd(&stream) }
        guard input.count > 0 else { throw .badCompression(reason: "empty body") }

        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(4096, input.count * 4)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (status, buffer.count - Int(stream.avail_out))
            }
            if output.count + produced > limit { throw .decompressedTooLarge(limit: limit) }
            output.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                guard stream.avail_in == 0 else { throw .badCompression(reason: "\(stream.avail_in) trailing bytes after the gzip stream") }
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                if produced > 0 { continue }
                throw .badCompression(reason: "stream is truncated")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw .badCompression(reason: message)
            }
        }
    }

    public static func inflate(_ input: [UInt8], limit: Int) throws(CodecError) -> [UInt8] {
        try input.withUnsafeBytes { raw in Result { () throws(CodecError) in try inflate(raw, limit: limit) } }.get()
    }

    /// Compresses to a gzip stream.
    public static func deflate(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard trellis_deflate_init_gzip(&stream, level) == Z_OK else { fatalError("zlib deflateInit2 failed: out of memory") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let written = input.withUnsafeBytes { raw -> Int in
            output.withUnsafeMutableBufferPointer { out -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: raw.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(raw.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                let status = CZlib.deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate with a deflateBound-sized buffer must finish in one call")
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }
}
