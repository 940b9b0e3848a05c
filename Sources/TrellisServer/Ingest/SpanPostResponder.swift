import NIOCore
import NIOHTTP1

/// A receiver that takes spans POSTed to one path and answers in plain text, as Zipkin's and
/// Jaeger's collectors do: 202 on success (with the rejected spans' reasons as text when some
/// were rejected on their own), 400 with the reason for a bad body, 413 past the body limit, 415
/// for a media type the route does not take or a `Content-Encoding` other than gzip, 405 for other methods, 404 for other paths, 503
/// with `Retry-After` when the pipeline refused. One instance per connection.
public final class SpanPostResponder: HTTPResponder {
    /// What one receiver takes: its path and the body format of each media type.
    public struct Route: Sendable {
        /// Where spans are POSTed (`/api/v2/spans`).
        public var path: String
        /// The format of each media type taken (`Content-Type` without parameters).
        public var formats: [String: ExportFormat]
        /// The format of a request without `Content-Type`; nil answers it 415.
        public var formatWithoutMediaType: ExportFormat?
        /// What the route takes, for the 404 and 415 messages (`Zipkin v2 JSON (application/json)`).
        public var accepts: String

        public init(path: String, formats: [String: ExportFormat], formatWithoutMediaType: ExportFormat?, accepts: String) {
            self.path = path
            self.formats = formats
            self.formatWithoutMediaType = formatWithoutMediaType
            self.accepts = accepts
        }
    }

    private let route: Route
    private let session: ExportSession
    private let maxBodyBytes: Int

    public init(route: Route, session: ExportSession, maxBodyBytes: Int) {
        self.route = route
        self.session = session
        self.maxBodyBytes = maxBodyBytes
    }

    public func bodyLimit(for request: HTTPRequestHeadView) -> Int { maxBodyBytes }

    public func payloadTooLarge(limit: Int, for request: HTTPRequestHeadView) -> HTTPResponse {
        session.metrics.failedRequest(reason: "too_large")
        return .text(.payloadTooLarge, ExportFailure.tooLarge(limit: limit).message)
    }

    public func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        guard request.path == route.path else {
            return eventLoop.makeSucceededFuture(.text(.notFound, "no route for \(request.path); POST \(route.accepts) to \(route.path)"))
        }
        guard request.head.method == .POST else {
            session.metrics.failedRequest(reason: "method")
            var response = HTTPResponse.text(.methodNotAllowed, "method \(request.head.method.rawValue) not allowed on \(route.path); use POST")
            response.headers.append(("Allow", "POST"))
            return eventLoop.makeSucceededFuture(response)
        }
        guard let format = request.mediaType.map({ route.formats[$0] }) ?? route.formatWithoutMediaType else {
            session.metrics.failedRequest(reason: "media_type")
            return eventLoop.makeSucceededFuture(.text(.unsupportedMediaType,
                "unsupported media type '\(request.mediaType ?? "none")'; Trellis accepts \(route.accepts)"))
        }
        if let encoding = request.head.headers.first(name: "content-encoding"), !request.isGzip, encoding.lowercased() != "identity" {
            session.metrics.failedRequest(reason: "content_encoding")
            return eventLoop.makeSucceededFuture(.text(.unsupportedMediaType, "unsupported Content-Encoding '\(encoding)'; use gzip or none"))
        }
        return session.export(request.body, format: format, gzip: request.isGzip, on: eventLoop).map { outcome in
            switch outcome {
            case .success(let rejections):
                return rejections.count == 0 ? HTTPResponse(status: .accepted) : .text(.accepted, rejections.message)
            case .failure(let failure):
                return failure.plainTextResponse
            }
        }
    }
}
