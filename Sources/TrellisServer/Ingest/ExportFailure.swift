import TrellisCodec
import TrellisPipeline

/// Why an export request was not (fully) accepted, before it is mapped to a transport's status.
public enum ExportFailure: Error, Sendable {
    /// The body could not be decoded (HTTP 400, gRPC INVALID_ARGUMENT).
    case invalidBody(CodecError)
    /// The body, or its decompressed form, is over the size limit (HTTP 413, gRPC RESOURCE_EXHAUSTED).
    case tooLarge(limit: Int)
    /// The pipeline refused the spans; the sender should retry (HTTP 503 + Retry-After, gRPC UNAVAILABLE).
    case refused(PipelineRefusal)

    public var message: String {
        switch self {
        case .invalidBody(let error): return error.description
        case .tooLarge(let limit): return "request body exceeds the limit of \(limit) bytes"
        case .refused(let refusal): return refusal.description
        }
    }
}
