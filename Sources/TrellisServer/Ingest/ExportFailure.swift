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

extension ExportFailure {
    /// The answer of the receivers that speak plain HTTP (Zipkin, Jaeger `thrift_http`): 400 for a
    /// bad body, 413 for one too large, 503 with `Retry-After` when the pipeline refused; the
    /// message as text.
    var plainTextResponse: HTTPResponse {
        switch self {
        case .invalidBody: return .text(.badRequest, message)
        case .tooLarge: return .text(.payloadTooLarge, message)
        case .refused(let refusal):
            var response = HTTPResponse.text(.serviceUnavailable, message)
            response.headers.append(("Retry-After", String(refusal.retryAfterSeconds)))
            return response
        }
    }
}

extension ExportFailure {
    /// The gRPC answer: INVALID_ARGUMENT for a bad message, RESOURCE_EXHAUSTED for one too large,
    /// UNAVAILABLE when the pipeline refused (retryable, per the OTLP and gRPC specifications).
    var grpcResponse: GRPCResponse {
        switch self {
        case .invalidBody: return GRPCResponse(status: .invalidArgument, message: message)
        case .tooLarge: return GRPCResponse(status: .resourceExhausted, message: message)
        case .refused: return GRPCResponse(status: .unavailable, message: message)
        }
    }
}
