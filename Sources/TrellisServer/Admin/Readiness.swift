import Synchronization

/// Whether the process is ready to take traffic: true once every listener is up,
/// false again when a graceful shutdown begins (`/readyz` answers 503 from then on).
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    public init() {}

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    public func set(_ value: Bool) {
        ready.store(value, ordering: .releasing)
    }
}
