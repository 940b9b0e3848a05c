/// How many spans of a trace one service produced.
public struct ServiceSpanCount: Encodable, Sendable, Hashable {
    /// The service (`service.name` of the spans' resource).
    public var service: String
    /// The number of the service's spans in the trace.
    public var spanCount: Int

    public init(service: String, spanCount: Int) {
        self.service = service
        self.spanCount = spanCount
    }
}
