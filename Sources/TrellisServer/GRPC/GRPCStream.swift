import NIOCore

/// One HTTP/2 stream of a gRPC connection: the request as it arrives, then the response
/// body being sent (kept alive until nghttp2 closes the stream, since the data provider
/// reads it through an unretained pointer).
final class GRPCStream {
    let id: Int32
    var method = ""
    var path = ""
    var contentType = ""
    var encoding: String?
    /// Regular (non-pseudo) request headers, in arrival order.
    var headers: [(name: String, value: String)] = []
    /// The request body collected so far: gRPC length-prefixed messages.
    var data: [UInt8] = []
    /// Set once the request headers were checked (method, content type, encoding).
    var headersChecked = false
    /// Set once the call went to the application; a second END_STREAM is ignored.
    var dispatched = false
    /// Set once an answer was submitted: later request data is ignored.
    var answered = false
    /// The length-prefixed response message and how much of it nghttp2 has taken.
    var responseBody: [UInt8] = []
    var responseOffset = 0
    var trailerStatus: GRPCStatusCode = .ok
    var trailerMessage = ""
    /// Answers the stream DEADLINE_EXCEEDED when its request has not ended by `readTimeout`.
    var deadline: Scheduled<Void>?

    init(id: Int32) {
        self.id = id
    }
}
