/// One unary gRPC call as the application sees it: the method path and the request
/// message, already unframed and inflated.
public struct GRPCCall: Sendable {
    /// The `:path` pseudo-header, `/package.Service/Method`.
    public let path: String
    /// The request message: the payload of the single length-prefixed message, inflated
    /// when it was compressed.
    public let message: [UInt8]
    /// The request's regular headers (custom metadata included) in arrival order, names
    /// lower-case as HTTP/2 sends them; pseudo-headers are left out.
    public let headers: [(name: String, value: String)]

    public init(path: String, message: [UInt8], headers: [(name: String, value: String)] = []) {
        self.path = path
        self.message = message
        self.headers = headers
    }

    /// The first value of a header, by lower-case name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }
}
