import Synchronization

/// What stops the pipeline from delivering, by component: a stage that cannot hand data on
/// (the store writer when the disk is full) reports a problem, and clears it once it delivers
/// again. `HealthGate` refuses new data while any problem stands, and `/readyz` reports them.
/// Shared by every component of one pipeline; safe from any thread.
public final class PipelineHealth: Sendable {
    private let problems = Mutex<[String: String]>([:])

    public init() {}

    /// Sets (or with nil, clears) `component`'s problem, in words a user can act on.
    public func report(_ component: String, problem: String?) {
        problems.withLock { $0[component] = problem }
    }

    /// The standing problems as `component: problem`, sorted by component; empty when healthy.
    public var standingProblems: [String] {
        problems.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" } }
    }
}
