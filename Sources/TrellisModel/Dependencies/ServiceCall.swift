/// One call from a span of one service to a span of another, as the dependency graph counts it.
public struct ServiceCall: Hashable, Sendable {
    /// The calling service.
    public var parent: String
    /// The called service, or for an uninstrumented peer the name the caller gave it.
    public var child: String
    /// The duration of the called span (for a virtual child, of the caller's CLIENT span).
    public var durationNanos: UInt64
    /// Whether the called span (or the CLIENT span of a virtual child) ended in error.
    public var isError: Bool
    /// The start of the called span, in Unix nanoseconds: it places the call in a time bucket.
    public var startTimeUnixNano: UInt64
    /// Whether the child is an uninstrumented peer (a database, an external API) named after the
    /// caller's `peer.service`, `server.address`, `net.peer.name` or `db.system` attribute.
    public var childIsVirtual: Bool

    public init(parent: String, child: String, durationNanos: UInt64, isError: Bool, startTimeUnixNano: UInt64, childIsVirtual: Bool) {
        self.parent = parent
        self.child = child
        self.durationNanos = durationNanos
        self.isError = isError
        self.startTimeUnixNano = startTimeUnixNano
        self.childIsVirtual = childIsVirtual
    }
}

extension ServiceCall {
    /// The attributes that name an uninstrumented peer of a CLIENT span, most specific first.
    public static let virtualPeerKeys = ["peer.service", "server.address", "net.peer.name", "db.system"]

    /// The name a CLIENT span gives its peer, from `virtualPeerKeys`.
    public static func virtualPeer(of span: Span) -> String? {
        for key in virtualPeerKeys {
            if let name = span.attributes[key: key]?.stringValue, !name.isEmpty { return name }
        }
        return nil
    }
}
