/// A span's outcome: OTLP's status code and an optional message.
public struct SpanStatus: Hashable, Sendable {
    /// OTLP status codes.
    public enum Code: Int32, Hashable, Sendable {
        case unset = 0
        case ok = 1
        case error = 2
    }

    public var code: Code
    public var message: String

    public init(code: Code = .unset, message: String = "") {
        self.code = code
        self.message = message
    }

    public static let unset = SpanStatus()
}
