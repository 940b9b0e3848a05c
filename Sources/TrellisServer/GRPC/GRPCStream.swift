/// One HTTP/2 stream of a gRPC connection: the request as it arrives, then the response
/// body being sent (kept alive until nghttp2 closes the stream).
final class GRPCStream {
    let id: Int32
    var method = ""
    var path = ""
    var contentType = ""
    var encoding: String?
    var data: [UInt8] = []
    /// Set once an answer was submitted: later request data is ignored.
    var answered = false
    /// The length-prefixed response message and how much of it nghttp2 has taken.
    var responseBody: [UInt8] = []
    var responseOffset = 0
    var trailerStatus: GRPCStatusCode = .ok
    var trailerMessage = ""

    init(id: Int32) {
        self.id = id
    }
}
