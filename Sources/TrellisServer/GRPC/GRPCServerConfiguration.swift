import NIOCore

/// Limits and HTTP/2 settings of the gRPC listener.
public struct GRPCServerConfiguration: Sendable {
    /// The largest request message, compressed or inflated. A length prefix above it is
    /// answered with RESOURCE_EXHAUSTED at once, without reading the rest. Default 4 MiB.
    public var maxReceiveMessageBytes = 4 << 20
    /// Concurrent streams a client may open on one connection (SETTINGS_MAX_CONCURRENT_STREAMS). Default 1000.
    public var maxConcurrentStreams: UInt32 = 1000
    /// Flow-control window per stream (SETTINGS_INITIAL_WINDOW_SIZE). Default 16 MiB, so one
    /// request never waits for a window update.
    public var initialWindowSize: UInt32 = 16 << 20
    /// Flow-control window of the whole connection. Default 64 MiB: one connection can carry
    /// well over 100 MB/s.
    public var connectionWindowSize: Int32 = 64 << 20
    /// A connection that sends nothing for this long (not even the HTTP/2 preface) while no
    /// call is in flight is closed, with a GOAWAY once HTTP/2 is up. Default 30 s.
    public var idleTimeout: TimeAmount = .seconds(30)
    /// While draining, how long to wait for the client to acknowledge the PING sent with the
    /// first GOAWAY (the shutdown notice) before sending the final GOAWAY. Default 1 s.
    public var shutdownNoticeTimeout: TimeAmount = .seconds(1)

    /// The defaults above.
    public init() {}
}
