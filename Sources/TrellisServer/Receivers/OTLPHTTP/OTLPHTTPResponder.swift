import NIOCore
import NIOHTTP1

/// OTLP/HTTP on one connection: `POST /v1/traces` with `application/x-protobuf` or
/// `application/json` (optionally gzip), answered in the request's content type.
/// Errors carry a `google.rpc.Status` body; refusals are 503 with `Retry-After`.
public final class OTLPHTTPResponder: HTTPResponder {
    public static let tracesPath = "/v1/traces"

    private let session: ExportSession
    private let maxBodyBytes: Int

    public init(session: ExportSession, maxBodyBytes: Int) {
        self.session = session
        self.maxBodyBytes = maxBodyBytes
    }

    public func bodyLimit(for request: HTTPRequestHeadView) -> Int { maxBodyBytes }

    public func payloadTooLarge(limit: Int, for request: HTTPRequestHeadView) -> HTTPResponse {
        session.metrics.failedRequest(reason: "too_large")
        let json = request.contentType.map { $0.lowercased().hasPrefix("application/json") } ?? false
        return OTLPHTTPStatus.response(for: .tooLarge(limit: limit), json: json)
    }

    public func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        let json = request.mediaType == "application/json"
        guard request.path == Self.tracesPath else {
            return eventLoop.makeSucceededFuture(OTLPHTTPStatus.status(.notFound, code: 5, "no route for \(request.path); OTLP traces go to POST \(Self.tracesPath)", json: json))
        }
        guard request.head.method == .POST else {
            session.metrics.failedRequest(reason: "method")
            var response = OTLPHTTPStatus.status(.methodNotAllowed, code: 12, "method \(request.head.method.rawValue) not allowed on \(Self.tracesPath); use POST", json: json)
            response.headers.append(("Allow", "POST"))
            return eventLoop.makeSucceededFuture(response)
        }
        let format: ExportFormat
        switch request.mediaType {
        case "application/x-protobuf": format = .otlpProtobuf
        case "application/json": format = .otlpJSON
        default:
            session.metrics.failedRequest(reason: "media_type")
            let got = request.mediaType.map { "'\($0)'" } ?? "no Content-Type"
            return eventLoop.makeSucceededFuture(OTLPHTTPStatus.status(.unsupportedMediaType, code: 3, "unsupported media type \(got); use application/x-protobuf or application/json", json: true))
        }
        if let encoding = request.head.headers.first(name: "content-encoding"), !request.isGzip, encoding.lowercased() != "identity" {
            session.metrics.failedRequest(reason: "content_encoding")
            return eventLoop.makeSucceededFuture(OTLPHTTPStatus.status(.unsupportedMediaType, code: 3, "unsupported Content-Encoding '\(encoding)'; use gzip or none", json: json))
        }
        return session.export(request.body, format: format, gzip: request.isGzip, on: eventLoop).map { outcome in
            switch outcome {
            case .success(let rejections): return OTLPHTTPStatus.success(rejections: rejections, json: json)
            case .failure(let failure): return OTLPHTTPStatus.response(for: failure, json: json)
            }
        }
    }
}
