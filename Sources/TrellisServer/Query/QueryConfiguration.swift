import TrellisModel

/// Settings of the query API (the `query` config section).
public struct QueryConfiguration: Sendable {
    /// When set, every `/api` request needs `Authorization: Bearer <token>`.
    public var bearerToken: String?
    /// Traces a search returns when it gives no limit (default 20, as Jaeger's UI asks).
    public var defaultLimit: Int
    /// The most traces one search returns; larger limits are lowered to it (default 1000).
    public var maxLimit: Int
    /// A query still running after this long is answered with 503 (default 10 s).
    public var timeout: Duration
    /// Threads that run queries, away from the event loops (default 2).
    public var threads: Int
    /// The time, Unix nanoseconds, that the Monitor API and `/monitor` end their windows at when
    /// not told (default the wall clock; tests pass a fixed one).
    public var now: @Sendable () -> UInt64

    public init(bearerToken: String? = nil, defaultLimit: Int = 20, maxLimit: Int = 1000, timeout: Duration = .seconds(10), threads: Int = 2,
                now: @escaping @Sendable () -> UInt64 = WallClock.nowNanos) {
        self.now = now
        self.bearerToken = bearerToken
        self.defaultLimit = defaultLimit
        self.maxLimit = maxLimit
        self.timeout = timeout
        self.threads = threads
    }
}
