/// The answer to a unary call: a status, a message for people, and the response message
/// (nil for errors, which are sent as trailers only).
public struct GRPCResponse: Sendable {
    /// Sent as the `grpc-status` trailer.
    public var status: GRPCStatusCode
    /// Sent (percent-encoded) as the `grpc-message` trailer when not empty.
    public var message: String
    /// One response message, unframed: the transport adds the 5-byte prefix. `nil` sends
    /// a trailers-only response (a single HEADERS frame carrying the status).
    public var body: [UInt8]?

    public init(status: GRPCStatusCode, message: String = "", body: [UInt8]? = nil) {
        self.status = status
        self.message = message
        self.body = body
    }
}
