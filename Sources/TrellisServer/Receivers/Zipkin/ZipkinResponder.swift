import NIOCore
import NIOHTTP1
import TrellisCodec

/// Zipkin v2 on one connection: `POST /api/v2/spans` with a JSON span list (optionally gzip).
/// 202 on success; 400 with the reason for a bad body; 503 with `Retry-After` when refused.
public final class ZipkinResponder: HTTPResponder {
    public static let spansPath = "/api/v2/spans"

    private let ingest: ExportIngest
    private let metrics: ReceiverMetrics
    private let decoder: ExportDecoder
    private let maxBodyBytes: Int

    public init(ingest: ExportIngest, metrics: ReceiverMetrics, maxBodyBytes: Int) {
        self.ingest = ingest
        self.metrics = metrics
        self.maxBodyBytes = maxBodyBytes
        decoder = ExportDecoder(maxBodyBytes: maxBodyBytes)
    }

    public func bodyLimit(for request: HTTPRequestHeadView) -> Int { maxBodyBytes }

    public func payloadTooLarge(limit: Int, for request: HTTPRequestHeadView) -> HTTPResponse {
        metrics.failedRequest(reason: "too_large")
        return .text(.payloadTooLarge, "request body exceeds the limit of \(limit) bytes")
    }

    public func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        guard request.path == Self.spansPath else {
            return eventLoop.makeSucceededFuture(.text(.notFound, "no route for \(request.path); Zipkin spans go to POST \(Self.spansPath)"))
        }
        guard request.head.method == .POST else {
            metrics.failedRequest(reason: "method")
            var response = HTTPResponse.text(.methodNotAllowed, "method \(request.head.method.rawValue) not allowed on \(Self.spansPath); use POST")
            response.headers.append(("Allow", "POST"))
            return eventLoop.makeSucceededFuture(response)
        }
        if let type = request.mediaType, type != "application/json" {
            metrics.failedRequest(reason: "media_type")
            return eventLoop.makeSucceededFuture(.text(.unsupportedMediaType, "unsupported media type '\(type)'; Trellis accepts Zipkin v2 JSON (application/json)"))
        }
        let decoded: DecodedTraces
        do {
            decoded = try decoder.decode(request.body, format: .zipkinJSON, gzip: request.isGzip)
        } catch {
            ingest.record(error, metrics: metrics)
            return eventLoop.makeSucceededFuture(Self.response(for: error))
        }
        let ingest = self.ingest
        let metrics = self.metrics
        return eventLoop.makeFutureWithTask {
            do throws(ExportFailure) {
                let rejections = try await ingest.submit(decoded, metrics: metrics)
                guard rejections.count == 0 else { return .text(.accepted, rejections.message) }
                return HTTPResponse(status: .accepted)
            } catch {
                return Self.response(for: error)
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
