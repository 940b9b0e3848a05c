import Synchronization
import TrellisPipeline

/// Whether the process is ready to take traffic: once every listener is up, and while the
/// pipeline has no standing problem (`PipelineHealth`: the archive's disk full, say); not from
/// the start of a graceful shutdown. `/readyz` answers 503 with the reasons otherwise.
public final class Readiness: Sendable {
    private let listening = Atomic<Bool>(false)
    private let health: PipelineHealth

    public init(health: PipelineHealth = PipelineHealth()) {
        self.health = health
    }

    public var isReady: Bool { reasonsNotReady.isEmpty }

    /// Why the process is not ready, one line each; empty when it is.
    public var reasonsNotReady: [String] {
        (listening.load(ordering: .acquiring) ? [] : ["listeners are not up, or the process is shutting down"]) + health.standingProblems
    }

    /// True once every listener is up; false again when a graceful shutdown begins.
    public func set(_ value: Bool) {
        listening.store(value, ordering: .releasing)
    }
}
