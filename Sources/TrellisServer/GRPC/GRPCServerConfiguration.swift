import NIOCore

/// Limits and HTTP/2 settings of the gRPC listener.
public struct GRPCServerConfiguration: Sendable {
    /// The largest request message, compressed or inflated. A length prefix above it is
    /// answered with RESOURCE_EXHAUSTED at once, without reading the rest. Default 4 MiB.
    public var maxReceiveMessageBytes = 4 << 20
    /// Open connections the listener keeps; a connection past it is closed at once. Default 10,000.
    public var maxConnections = 10_000
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
    /// A frame (or the client preface) must arrive whole within this time of its first byte,
    /// or the connection is closed: a client trickling its HEADERS (slowloris) cannot hold it. Default 10 s.
    public var readHeaderTimeout: TimeAmount = .seconds(10)
    /// A request stream must end (END_STREAM) within this time of its HEADERS, or it is answered
    /// DEADLINE_EXCEEDED and reset: a stream that never sends DATA cannot hold a slot. Default 60 s.
    public var readTimeout: TimeAmount = .seconds(60)
    /// While draining, how long to wait for the client to acknowledge the PING sent with the
    /// first GOAWAY (the shutdown notice) before sending the final GOAWAY. Default 1 s.
    public var shutdownNoticeTimeout: TimeAmount = .seconds(1)

    /// How much HTTP/2 control traffic a client may send before nghttp2 closes its connection
    /// with a GOAWAY; the defaults are nghttp2's own (1.57 and later), set explicitly.
    public var floodLimits = FloodLimits()

    /// The defaults above.
    public init() {}

    /// HTTP/2 flood limits (see the README's "Limits and hardening").
    public struct FloodLimits: Sendable {
        /// PING and SETTINGS acknowledgements queued unsent (a client that floods PINGs or
        /// SETTINGS without reading). Default 1000.
        public var maxQueuedControlAcks = 1000
        /// Entries in one SETTINGS frame. Default 32.
        public var maxSettingsPerFrame = 32
        /// RST_STREAM frames a client may send at once (a token bucket's size)… Default 1000.
        public var streamResetBurst: UInt64 = 1000
        /// …and per second after that (its refill rate). Default 33.
        public var streamResetsPerSecond: UInt64 = 33
        /// CONTINUATION frames after one HEADERS frame. Default 8.
        public var maxContinuations = 8

        public init() {}
    }
}
