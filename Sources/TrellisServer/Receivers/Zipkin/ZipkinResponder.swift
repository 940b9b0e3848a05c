import NIOCore
import NIOHTTP1

/// Zipkin v2 on one connection: `POST /api/v2/spans` with a JSON span list or a protobuf
/// `ListOfSpans` (`application/x-protobuf`), optionally gzip.
/// 202 on success; 400 with the reason for a bad body; 503 with `Retry-After` when refused.
public final class ZipkinResponder: HTTPResponder {
    public static let spansPath = "/api/v2/spans"

    private let session: ExportSession
    private let maxBodyBytes: Int

    public init(session: ExportSession, maxBodyBytes: Int) {
        self.session = session
        self.maxBodyBytes = maxBodyBytes
    }

    public func bodyLimit(for request: HTTPRequestHeadView) -> Int { maxBodyBytes }

    public func payloadTooLarge(limit: Int, for request: HTTPRequestHeadView) -> HTTPResponse {
        session.metrics.failedRequest(reason: "too_large")
        return .text(.payloadTooLarge, ExportFailure.tooLarge(limit: limit).message)
    }

    public func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        guard request.path == Self.spansPath else {
            return eventLoop.makeSucceededFuture(.text(.notFound, "no route for \(request.path); Zipkin spans go to POST \(Self.spansPath)"))
        }
        guard request.head.method == .POST else {
            session.metrics.failedRequest(reason: "method")
            var response = HTTPResponse.text(.methodNotAllowed, "method \(request.head.method.rawValue) not allowed on \(Self.spansPath); use POST")
            response.headers.append(("Allow", "POST"))
            return eventLoop.makeSucceededFuture(response)
        }
        let format: ExportFormat
        switch request.mediaType {
        case nil, "application/json": format = .zipkinJSON
        case "application/x-protobuf", "application/protobuf": format = .zipkinProtobuf
        case let type?:
            session.metrics.failedRequest(reason: "media_type")
            return eventLoop.makeSucceededFuture(.text(.unsupportedMediaType,
                "unsupported media type '\(type)'; Trellis accepts Zipkin v2 JSON (application/json) and protobuf (application/x-protobuf)"))
        }
        return session.export(request.body, format: format, gzip: request.isGzip, on: eventLoop).map { outcome in
            switch outcome {
            case .success(let rejections):
                return rejections.count == 0 ? HTTPResponse(status: .accepted) : .text(.accepted, rejections.message)
            case .failure(let failure):
                return Self.response(for: failure)
            }
        }
    }

    private static func response(for failure: ExportFailure) -> HTTPResponse {
        switch failure {
        case .invalidBody: return .text(.badRequest, failure.message)
        case .tooLarge: return .text(.payloadTooLarge, failure.message)
        case .refused(let refusal):
            var response = HTTPResponse.text(.serviceUnavailable, failure.message)
            response.headers.append(("Retry-After", String(refusal.retryAfterSeconds)))
            return response
        }
    }
}
