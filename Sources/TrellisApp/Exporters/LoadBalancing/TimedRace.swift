import TrellisServer

/// Races work that reports through a callback against a timeout: the first to finish wins
/// (`FirstCompletion`); the timer is cancelled when the work wins. The work is not interrupted
/// when it loses: its late result is ignored.
enum TimedRace {
    /// `start` begins the work and calls its argument once with the result. Returns that result,
    /// or `fallback` with `timedOut` true when `timeout` passes first.
    static func first<T: Sendable>(within timeout: Duration, fallback: T,
                                   start: (@escaping @Sendable (T) -> Void) -> Void) async -> (value: T, timedOut: Bool) {
        await withCheckedContinuation { continuation in
            let first = FirstCompletion()
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled, first.claim() { continuation.resume(returning: (fallback, true)) }
            }
            start { value in
                guard first.claim() else { return }
                timer.cancel()
                continuation.resume(returning: (value, false))
            }
        }
    }
}
