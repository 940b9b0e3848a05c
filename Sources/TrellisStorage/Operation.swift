import TrellisModel

/// An operation of a service as Jaeger lists it: a span name with the span kind it was seen with.
/// The same name with two kinds is two operations.
public struct Operation: Hashable, Sendable, Comparable {
    /// The span name.
    public var name: String
    /// The span kind.
    public var kind: SpanKind

    public init(name: String, kind: SpanKind) {
        self.name = name
        self.kind = kind
    }

    public static func < (a: Operation, b: Operation) -> Bool {
        (a.name, a.kind.rawValue) < (b.name, b.kind.rawValue)
    }
}
