import NIOCore

/// Limits shared by every HTTP/1.1 listener.
public struct HTTPServerConfiguration: Sendable {
    /// A connection with no request bytes for this long is closed (default 30 s).
    public var idleTimeout: TimeAmount
    /// A request's head must arrive within this time of its first byte (default 10 s).
    public var readHeaderTimeout: TimeAmount
    /// A request's body must arrive within this time of its head (default 60 s).
    public var readTimeout: TimeAmount
    /// Open connections the listener keeps; a connection past it is closed at once (default 10,000).
    public var maxConnections: Int

    public init(idleTimeout: TimeAmount = .seconds(30), readHeaderTimeout: TimeAmount = .seconds(10), readTimeout: TimeAmount = .seconds(60),
                maxConnections: Int = 10_000) {
        self.idleTimeout = idleTimeout
        self.readHeaderTimeout = readHeaderTimeout
        self.readTimeout = readTimeout
        self.maxConnections = maxConnections
    }
}
