import NIOCore

/// Answers the requests of one HTTP connection. One instance per connection, used only on
/// its event loop (so it may own non-thread-safe state such as a decoder arena).
public protocol HTTPResponder: AnyObject {
    /// The largest body accepted for this request, in bytes; a larger one gets 413 without being read.
    func bodyLimit(for request: HTTPRequestHeadView) -> Int

    /// Answers a complete request. The future may complete later, on any thread.
    func respond(to request: HTTPRequest, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse>

    /// The response for a body over `bodyLimit` (413 in the responder's error format).
    func payloadTooLarge(limit: Int, for request: HTTPRequestHeadView) -> HTTPResponse
}

/// What a responder sees of a request before its body arrives.
public struct HTTPRequestHeadView {
    public let method: String
    public let uri: String
    public let contentType: String?
}
