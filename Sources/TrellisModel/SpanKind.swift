/// The role of a span in a request, with OTLP's numeric values.
public enum SpanKind: Int32, Hashable, Sendable, CaseIterable {
    case unspecified = 0
    case `internal` = 1
    case server = 2
    case client = 3
    case producer = 4
    case consumer = 5

    /// The name used by Jaeger and Zipkin (`server`, `client`, ...); empty for unspecified.
    public var name: String {
        switch self {
        case .unspecified: return ""
        case .internal: return "internal"
        case .server: return "server"
        case .client: return "client"
        case .producer: return "producer"
        case .consumer: return "consumer"
        }
    }
}
