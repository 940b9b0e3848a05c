import CProtobufC

/// What every protobuf-c body decoder holds for its connection: the wire validator for its
/// message family, the arena libprotobuf-c unpacks into (reset after every call), and the string
/// cache. Not thread-safe: one per decoder, one decoder per connection.
final class ProtobufUnpacker<Schema: ProtobufMessageSchema> {
    private let arena: ProtobufArena
    private let validator: ProtobufWireValidator<Schema>
    /// The most arena memory one request may use, as a multiple of its wire size (plus 1 MiB).
    private let maxExpansion: Int
    let strings = StringCache()

    /// - Parameters:
    ///   - initialArenaBytes: the arena's starting size; it grows as requests need.
    ///   - maxDepth: how deeply messages may nest.
    init(initialArenaBytes: Int, maxDepth: Int, maxExpansion: Int) {
        arena = ProtobufArena(capacity: initialArenaBytes)
        validator = ProtobufWireValidator(maxDepth: maxDepth)
        self.maxExpansion = maxExpansion
    }

    /// Validates `bytes` (unless `validate` is false), unpacks the root message with protobuf-c's
    /// `unpack` and hands it to `body`; the message is freed when `body` returns.
    func withMessage<Message, Result>(
        _ bytes: UnsafeRawBufferPointer, validate: Bool = true,
        unpack: (UnsafeMutablePointer<ProtobufCAllocator>, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Message>?,
        _ body: (UnsafeMutablePointer<Message>) throws(CodecError) -> Result
    ) throws(CodecError) -> Result {
        if validate { try validator.validate(bytes) }
        let message = try arena.unpack(bytes, as: Schema.rootName, maxExpansion: maxExpansion, unpack)
        defer { arena.reset() }
        return try body(message)
    }
}

/// A decoder of request bodies in memory; `decode([UInt8])` comes with it.
public protocol RequestBodyDecoder {
    func decode(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> DecodedTraces
}

extension RequestBodyDecoder {
    public func decode(_ bytes: [UInt8]) throws(CodecError) -> DecodedTraces {
        try bytes.withUnsafeBytes { raw in Result { () throws(CodecError) in try decode(raw) } }.get()
    }
}
