import NIOCore
import NIOHTTP1

/// The admin routes on the query port: `/healthz` (the process is up), `/readyz`
/// (listeners up, not shutting down, no standing pipeline problem; else 503 naming each) and `/metrics` (Prometheus text format).
public final class AdminResponder: HTTPResponder {
    private let readiness: Readiness
    private let renderMetrics: @Sendable () -> [UInt8]

    public init(readiness: Readiness, renderMetrics: @escaping @Sendable () -> [UInt8]) {
        self.readiness = readiness
        self.renderMetrics = renderMetrics
    }

    public func bodyLimit(for request: HTTPRequestHeadView) -> Int { 64 * 1024 }

    public func payloadTooLarge(limit: Int, for request: HTTPRequestHeadView) -> HTTPResponse {
        .text(.payloadTooLarge, "request body exceeds the limit of \(limit) bytes")
    }

    public func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        eventLoop.makeSucceededFuture(answer(request))
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        guard request.head.method == .GET || request.head.method == .HEAD else {
            return HTTPResponse(status: .methodNotAllowed, headers: [("Allow", "GET")])
        }
        switch request.path {
        case "/healthz":
            return .text(.ok, "ok")
        case "/readyz":
            let reasons = readiness.reasonsNotReady
            return reasons.isEmpty ? .text(.ok, "ready") : .text(.serviceUnavailable, "not ready: " + reasons.joined(separator: "; "))
        case "/metrics":
            return HTTPResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: renderMetrics())
        default:
            let message = "no route for \(request.path)"
            return HTTPResponse(status: .notFound, contentType: "application/json",
                                body: Array("{\"errors\":[{\"code\":404,\"msg\":\"\(message.replacingQuotes())\"}]}".utf8))
        }
    }
}

private extension String {
    func replacingQuotes() -> String {
        var out = ""
        for c in unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if c.value < 0x20 { out += "?" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
