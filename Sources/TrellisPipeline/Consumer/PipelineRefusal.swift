/// Why the pipeline refused a batch. Every case is retryable: the sender should try again later.
public enum PipelineRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pipeline holds as much as it may (queue or memory budget full).
    case overloaded(reason: String, retryAfterSeconds: Int)
    /// The process is shutting down and accepts nothing new.
    case shuttingDown
    /// A later stage cannot deliver (see `PipelineHealth`): the archive's disk is full, say.
    case unavailable(reason: String)

    public var retryAfterSeconds: Int {
        switch self {
        case .overloaded(_, let seconds): return seconds
        case .shuttingDown, .unavailable: return 5
        }
    }

    public var description: String {
        switch self {
        case .overloaded(let reason, _): return "pipeline is over its limit: \(reason); retry later"
        case .shuttingDown: return "the collector is shutting down; retry later"
        case .unavailable(let reason): return "the collector cannot store data now (\(reason)); retry later"
        }
    }
}
