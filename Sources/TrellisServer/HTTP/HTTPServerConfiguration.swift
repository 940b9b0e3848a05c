import NIOCore

/// Limits shared by every HTTP/1.1 listener.
public struct HTTPServerConfiguration: Sendable {
    /// A connection with no request bytes for this long is closed (default 30 s).
    public var idleTimeout: TimeAmount

    public init(idleTimeout: TimeAmount = .seconds(30)) {
        self.idleTimeout = idleTimeout
    }
}
