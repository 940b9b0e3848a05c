/// One span's share of a critical path.
public struct CriticalPathSpan: Encodable, Sendable, Hashable {
    /// The span, 16 lowercase hex digits.
    public var spanID: String
    /// The span's service (`service.name` of its resource).
    public var service: String
    /// The span's name (Jaeger's operation).
    public var name: String
    /// The total length of the span's sections on the path, microseconds.
    public var selfTimeOnPath: UInt64

    public init(spanID: String, service: String, name: String, selfTimeOnPath: UInt64) {
        self.spanID = spanID
        self.service = service
        self.name = name
        self.selfTimeOnPath = selfTimeOnPath
    }
}
