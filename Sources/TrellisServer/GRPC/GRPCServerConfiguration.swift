import NIOCore

/// Limits and HTTP/2 settings of the gRPC listener.
public struct GRPCServerConfiguration: Sendable {
    /// The largest request message, compressed or inflated. Default 4 MiB.
    public var maxReceiveMessageBytes = 4 << 20
    /// Concurrent streams a client may open on one connection. Default 1000.
    public var maxConcurrentStreams: UInt32 = 1000
    /// Flow-control window per stream. Default 16 MiB, so one request never waits for a window update.
    public var initialWindowSize: UInt32 = 16 << 20
    /// Flow-control window of the whole connection. Default 64 MiB: one connection can carry well over 100 MB/s.
    public var connectionWindowSize: Int32 = 64 << 20
    /// A connection that sends nothing for this long is closed (with GOAWAY once HTTP/2 is up). Default 30 s.
    public var idleTimeout: TimeAmount = .seconds(30)

    public init() {}
}
