import NIOHTTP1
import TrellisCodec

/// OTLP/HTTP's answers: `ExportTraceServiceResponse` on success, `google.rpc.Status` on error,
/// each in protobuf or JSON to match the request.
enum OTLPHTTPStatus {
    static func success(rejections: SpanRejections, json: Bool) -> HTTPResponse {
        let rejected = Int64(rejections.count)
        let body = json
            ? OTLPJSONEncoder().encodeResponse(rejectedSpans: rejected, errorMessage: rejections.message)
            : OTLPProtobufEncoder().encodeResponse(rejectedSpans: rejected, errorMessage: rejections.message)
        return HTTPResponse(status: .ok, contentType: contentType(json: json), body: body)
    }

    static func response(for failure: ExportFailure, json: Bool) -> HTTPResponse {
        switch failure {
        case .invalidBody:
            return status(.badRequest, code: 3, failure.message, json: json)
        case .tooLarge:
            return status(.payloadTooLarge, code: 8, failure.message, json: json)
        case .refused(let refusal):
            var response = status(.serviceUnavailable, code: 14, failure.message, json: json)
            response.headers.append(("Retry-After", String(refusal.retryAfterSeconds)))
            return response
        }
    }

    /// A `google.rpc.Status` error response with a gRPC code and a message.
    static func status(_ status: HTTPResponseStatus, code: Int32, _ message: String, json: Bool) -> HTTPResponse {
        let body = json
            ? OTLPJSONEncoder().encodeStatus(code: code, message: message)
            : OTLPProtobufEncoder().encodeStatus(code: code, message: message)
        return HTTPResponse(status: status, contentType: contentType(json: json), body: body)
    }

    private static func contentType(json: Bool) -> String {
        json ? "application/json" : "application/x-protobuf"
    }
}
