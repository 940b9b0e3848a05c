import Synchronization

/// Spaces events (requests, traces) evenly to reach a target rate; with no target it never waits.
final class Pacer: Sendable {
    private let interval: Duration?
    private let nextSlot = Mutex<ContinuousClock.Instant>(.now)

    /// `perSecond` events a second; zero or less means no pacing.
    init(perSecond: Double) {
        interval = perSecond > 0 ? .seconds(1 / perSecond) : nil
    }

    /// Waits until this event's turn.
    func wait() async {
        guard let interval else { return }
        let slot = nextSlot.withLock { next -> ContinuousClock.Instant in
            let now = ContinuousClock.now
            let slot = max(next, now - interval * 4)
            next = slot + interval
            return slot
        }
        if slot > .now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}
