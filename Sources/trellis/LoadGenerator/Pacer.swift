import Synchronization

/// Spaces requests evenly to reach a target span rate; with no target it never waits.
final class Pacer: Sendable {
    private let interval: Duration?
    private let nextSlot = Mutex<ContinuousClock.Instant>(.now)

    init(spansPerSecond: Int, spansPerRequest: Int) {
        interval = spansPerSecond > 0 ? .seconds(Double(spansPerRequest) / Double(spansPerSecond)) : nil
    }

    /// Waits until this request's turn.
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
