import Synchronization
import TrellisModel
import TrellisPipeline

/// A last stage whose `consume` calls hold until the test opens the gate. It records the span
/// count of each batch it took, and the order of what happened to it: "consumed" when a
/// `consume` returns, "drained" on `shutdown(deadline:)`; tests use that to pin that a stage never drains
/// the next one while a delivery is still under way.
final class GatedSink: SpanConsumer {
    private struct State {
        var events: [String] = []
        var entered: CheckedContinuation<Void, Never>?
        var hasEntered = false
        var gates: [CheckedContinuation<Void, Never>] = []
        var gateOpen = false
        var received: [Int] = []
        var drainWaiter: CheckedContinuation<Void, Never>?
        var drainWaitOver = false
    }

    private let state = Mutex(State())

    var events: [String] { state.withLock { $0.events } }
    var receivedSpans: [Int] { state.withLock { $0.received } }

    func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        let entered = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.hasEntered = true
            defer { s.entered = nil }
            return s.entered
        }
        entered?.resume()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = state.withLock { s -> Bool in
                if s.gateOpen { return true }
                s.gates.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
        state.withLock { s in
            s.received.append(slices.spanCount)
            s.events.append("consumed")
        }
    }

    func shutdown(deadline: ContinuousClock.Instant) async {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.events.append("drained")
            defer { s.drainWaiter = nil }
            return s.drainWaiter
        }
        waiter?.resume()
    }

    /// Returns once some `consume` has begun.
    func waitUntilEntered() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let already = state.withLock { s -> Bool in
                if s.hasEntered { return true }
                s.entered = continuation
                return false
            }
            if already { continuation.resume() }
        }
    }

    /// Returns when `shutdown(deadline:)` is called, or after `limit` if it is not: the stage under test
    /// is not expected to drain this sink yet, and the limit only bounds the wait.
    func waitForDrain(atMost limit: Duration) async {
        let waiter = Task { [self] in
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let drained = state.withLock { s -> Bool in
                    if s.drainWaitOver || s.events.contains("drained") { return true }
                    s.drainWaiter = continuation
                    return false
                }
                if drained { continuation.resume() }
            }
        }
        let timeout = Task {
            try? await Task.sleep(for: limit)
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                s.drainWaitOver = true
                defer { s.drainWaiter = nil }
                return s.drainWaiter
            }
            waiter?.resume()
        }
        await waiter.value
        timeout.cancel()
    }

    /// Lets every held and later `consume` return.
    func open() {
        let gates = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.gateOpen = true
            defer { s.gates = [] }
            return s.gates
        }
        for gate in gates { gate.resume() }
    }
}
