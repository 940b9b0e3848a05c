import NIOCore

/// The query port's responder: `/api/...` goes to the shared `QueryAPI`, everything else
/// (`/healthz`, `/readyz`, `/metrics`) to the admin responder.
public final class QueryResponder: HTTPResponder {
    private let api: QueryAPI
    private let admin: AdminResponder

    public init(api: QueryAPI, admin: AdminResponder) {
        self.api = api
        self.admin = admin
    }

    public func bodyLimit(for request: HTTPRequestHeadView) -> Int {
        admin.bodyLimit(for: request)
    }

    public func payloadTooLarge(limit: Int, for request: HTTPRequestHeadView) -> HTTPResponse {
        admin.payloadTooLarge(limit: limit, for: request)
    }

    public func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        QueryAPI.owns(request.path) ? api.respond(to: request, on: eventLoop) : admin.respond(to: request, on: eventLoop)
    }
}
