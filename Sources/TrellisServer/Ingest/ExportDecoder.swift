import TrellisCodec

/// Decodes export bodies of every format, with one protobuf arena reused across requests.
/// Owned by one connection (or event loop); not shared across threads.
public final class ExportDecoder {
    private let protobuf = OTLPProtobufDecoder()
    private let json = OTLPJSONDecoder()
    private let zipkin = ZipkinJSONDecoder()
    private let zipkinProtobuf = ZipkinProtobufDecoder()
    private let jaegerThrift = JaegerThriftDecoder()
    private let jaegerProtobuf = JaegerProtobufDecoder()
    private let maxBodyBytes: Int

    /// - Parameter maxBodyBytes: the limit on a body after decompression.
    public init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Inflates the body when `gzip` is set, then decodes it in `format`.
    public func decode(_ body: [UInt8], format: ExportFormat, gzip: Bool) throws(ExportFailure) -> DecodedTraces {
        var plain = body
        if gzip {
            do {
                plain = try Gzip.inflate(body, limit: maxBodyBytes)
            } catch .decompressedTooLarge(let limit) {
                throw .tooLarge(limit: limit)
            } catch {
                throw .invalidBody(error)
            }
        }
        do {
            switch format {
            case .otlpProtobuf: return try protobuf.decode(plain)
            case .otlpJSON: return try json.decode(plain)
            case .zipkinJSON: return try zipkin.decode(plain)
            case .zipkinProtobuf: return try zipkinProtobuf.decode(plain)
            case .jaegerThriftBinary: return try jaegerThrift.decodeBinaryBatch(plain)
            case .jaegerThriftCompact: return try jaegerThrift.decodeCompactEmitBatch(plain)
            case .jaegerProtobuf: return try jaegerProtobuf.decode(plain)
            }
        } catch {
            throw .invalidBody(error)
        }
    }
}
