import TrellisModel

/// Reads the spans of slices back as model values: encoded slices are put together into one
/// OTLP request (`OTLPProtobufEncoder.encode(contents:)`) and decoded; model slices are taken as
/// they are. Owns a decoder and its arena, so it is not shared between threads.
public final class SliceDecoder {
    private let decoder: OTLPProtobufDecoder

    public init(initialArenaBytes: Int = 64 << 10) {
        decoder = OTLPProtobufDecoder(initialArenaBytes: initialArenaBytes)
    }

    /// The slices' spans under their resources and scopes.
    /// Throws when stored bytes do not decode (they were encoded by this process or read from the archive).
    public func batch(of slices: [SliceContent]) throws(CodecError) -> TraceBatch {
        var resourceSpans: [ResourceSpans] = []
        for slice in slices {
            guard case .model(let scopes) = slice.spans else {
                return try decoder.decode(OTLPProtobufEncoder().encode(contents: slices)).batch
            }
            resourceSpans.append(ResourceSpans(resource: slice.resource, scopeSpans: scopes, schemaURL: slice.resourceSchemaURL))
        }
        return TraceBatch(resourceSpans: resourceSpans)
    }

    /// One slice's spans under their scopes.
    public func scopes(of slice: TraceSlice) throws(CodecError) -> [ScopeSpans] {
        if case .model(let scopes) = slice.spans { return scopes }
        return try batch(of: [slice.content]).resourceSpans.flatMap(\.scopeSpans)
    }
}
