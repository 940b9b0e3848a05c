import Synchronization

/// Lets exactly one of several racing paths (a query's answer, its time-out) complete a promise
/// or resume a continuation.
public final class FirstCompletion: Sendable {
    private let claimed = Atomic<Bool>(false)

    /// True for the first caller only.
    public init() {}

    public func claim() -> Bool {
        claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
