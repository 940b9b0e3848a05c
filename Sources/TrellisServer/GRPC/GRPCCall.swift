/// One unary gRPC call as the application sees it: the method path and the request
/// message, already unframed and inflated.
public struct GRPCCall: Sendable {
    public let path: String
    public let message: [UInt8]

    public init(path: String, message: [UInt8]) {
        self.path = path
        self.message = message
    }
}

/// The answer to a unary call: a status, a message for people, and the response message
/// (nil for errors, which are sent as trailers only).
public struct GRPCResponse: Sendable {
    public var status: GRPCStatusCode
    public var message: String
    public var body: [UInt8]?

    public init(status: GRPCStatusCode, message: String = "", body: [UInt8]? = nil) {
        self.status = status
        self.message = message
        self.body = body
    }
}

/// Answers the calls of one connection. One instance per connection, used only on its
/// event loop; `respond` must be called on that event loop too.
public protocol GRPCCallHandler: AnyObject {
    func handle(_ call: GRPCCall, respond: @escaping (GRPCResponse) -> Void)
}
