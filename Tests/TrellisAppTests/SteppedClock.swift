import Synchronization

/// A clock the test moves by hand, whose sleepers wake once it passes their deadline, and which
/// tells the test when sleeps begin: `sleeps(n)` returns once `sleep` was called n times in all.
/// A test advances past a timer's interval, then waits for the timer's next sleep: a timer sleeps
/// again only once the work of its interval is done. A cancelled sleep ends at once.
final class SteppedClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private struct State {
        var now = Duration.zero
        var sleeps = 0
        /// Sleeps under way by number, with their deadlines.
        var sleepers: [Int: (deadline: Duration, wake: CheckedContinuation<Void, Never>)] = [:]
        /// Sleeps cancelled before they were under way.
        var cancelled: Set<Int> = []
        /// Tests waiting for a number of sleeps.
        var waiters: [(sleeps: Int, resume: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var now: Instant { Instant(offset: state.withLock { $0.now }) }
    var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the time on and wakes the sleeps whose deadline it reached.
    func advance(by duration: Duration) {
        let due = state.withLock { state in
            state.now += duration
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for number in due.keys { state.sleepers[number] = nil }
            return due.values.map(\.wake)
        }
        for wake in due { wake.resume() }
    }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let (number, waiters) = state.withLock { state in
            state.sleeps += 1
            let reached = state.waiters.filter { $0.sleeps <= state.sleeps }
            state.waiters.removeAll { $0.sleeps <= state.sleeps }
            return (state.sleeps, reached.map(\.resume))
        }
        for waiter in waiters { waiter.resume() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
                let due = state.withLock { state in
                    let due = deadline.offset <= state.now || state.cancelled.remove(number) != nil
                    if !due { state.sleepers[number] = (deadline.offset, wake) }
                    return due
                }
                if due { wake.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let sleeper = state.sleepers.removeValue(forKey: number) else {
                    state.cancelled.insert(number)
                    return nil
                }
                return sleeper.wake
            }
            sleeper?.resume()
        }
        try Task.checkCancellation()
    }

    /// Returns once `sleep` has been called `count` times in all.
    func sleeps(_ count: Int) async {
        await withCheckedContinuation { (resume: CheckedContinuation<Void, Never>) in
            let reached = state.withLock { state in
                if state.sleeps >= count { return true }
                state.waiters.append((count, resume))
                return false
            }
            if reached { resume.resume() }
        }
    }
}
