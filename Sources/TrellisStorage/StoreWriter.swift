import Foundation
import Synchronization
import TrellisModel

/// The trace store's one writer: a thread of its own takes accepted slices from a bounded queue
/// and writes them to the ring and the archive (`CombinedStore.prepare` and `commit`), so SQLite's
/// commits never block the cooperative pool that the receivers and processors run on, and the
/// stages before it go on while a transaction commits.
///
/// Contract:
/// - `write(_:)` queues slices and returns; it suspends while the queue holds `capacitySpans`
///   spans (a larger hand-over is taken alone when the queue is empty). What is queued is owned by
///   the writer: it is written, retried after a failure, or counted as undelivered at shutdown.
/// - Slices are written in the order they were queued, whole hand-overs at a time, up to
///   `maxSpansPerCommit` spans per call to the store (one archive transaction).
/// - A failed write is reported to `events.failed` and retried after a pause (100 ms doubling to
///   1 s), until it succeeds or, once shutdown has begun, its deadline passes.
/// - Between writes, every `maintenanceInterval`, the thread runs `events.maintenance`
///   (retention), and while idle, every second, it stores what dependency waits that are over
///   add (`CombinedStore.endDependencyWaits`), so that SQLite work too stays on this thread.
///   At shutdown every dependency wait ends and is stored.
/// - `shutdown(deadline:)` refuses later writes (`write` throws `StorageError.closed`), waits
///   until the queue is written, and returns the number of spans that could not be written
///   before the deadline.
public final class StoreWriter: Sendable {
    /// What the writer reports, called on its thread.
    public struct Events: Sendable {
        /// Spans written (ring and archive).
        public var written: @Sendable (_ spans: Int) -> Void
        /// A write of this many spans failed; it will be retried unless shutdown's deadline has passed.
        public var failed: @Sendable (_ spans: Int, _ error: StorageError) -> Void
        /// Periodic work on the writer's connection (retention).
        public var maintenance: @Sendable () -> Void

        public init(
            written: @escaping @Sendable (Int) -> Void = { _ in }, failed: @escaping @Sendable (Int, StorageError) -> Void = { _, _ in },
            maintenance: @escaping @Sendable () -> Void = {}
        ) {
            self.written = written
            self.failed = failed
            self.maintenance = maintenance
        }
    }

    private struct State {
        var queue: [[TraceSlice]] = []
        var head = 0
        var queuedSpans = 0
        var closed = false
        var deadline: ContinuousClock.Instant?
        /// Writers waiting for room in the queue.
        var producers: [CheckedContinuation<Void, Never>] = []
        /// Spans given up at shutdown (set when the thread has finished).
        var undelivered: Int?
        var finishWaiters: [CheckedContinuation<Int, Never>] = []
    }

    private enum Step {
        case write([TraceSlice], spans: Int)
        case wait
        case finish
    }

    /// How often, while idle, the thread stores what ended dependency waits add (see `DependencyPairing`).
    static let dependencyTick = Duration.seconds(1)

    private let store: CombinedStore
    private let capacitySpans: Int
    private let maxSpansPerCommit: Int
    private let maintenanceInterval: Duration
    private let events: Events
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Starts the writer's thread.
    /// - Parameters:
    ///   - capacitySpans: the most spans queued and being written at once.
    ///   - maxSpansPerCommit: the most spans handed to one store write (whole hand-overs; a larger one goes alone).
    ///   - maintenanceInterval: how often `events.maintenance` runs.
    public init(
        store: CombinedStore, capacitySpans: Int = 32_768, maxSpansPerCommit: Int = 8192,
        maintenanceInterval: Duration = .seconds(10), events: Events = Events()
    ) {
        self.store = store
        self.capacitySpans = max(1, capacitySpans)
        self.maxSpansPerCommit = max(1, maxSpansPerCommit)
        self.maintenanceInterval = maintenanceInterval
        self.events = events
        let thread = Thread { [self] in self.run() }
        thread.name = "trellis-store-writer"
        thread.start()
    }

    /// Queues slices for writing; suspends while the queue is full.
    /// Throws `StorageError.closed` once `shutdown` has begun.
    public func write(_ slices: [TraceSlice]) async throws(StorageError) {
        let count = slices.spanCount
        guard count > 0 else { return }
        while true {
            let outcome = state.withLock { s -> Admission in
                if s.closed { return .closed }
                if !hasRoom(for: count, s) { return .full }
                s.queue.append(slices)
                s.queuedSpans += count
                return .queued
            }
            switch outcome {
            case .closed: throw .closed
            case .queued:
                wakeUp.signal()
                return
            case .full:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let retryNow = state.withLock { s -> Bool in
                        if s.closed || hasRoom(for: count, s) { return true }
                        s.producers.append(continuation)
                        return false
                    }
                    if retryNow { continuation.resume() }
                }
            }
        }
    }

    private enum Admission {
        case queued, full, closed
    }

    private func hasRoom(for count: Int, _ s: State) -> Bool {
        s.queuedSpans == 0 || s.queuedSpans + count <= capacitySpans
    }

    /// Spans queued or being written.
    public var queuedSpans: Int { state.withLock { $0.queuedSpans } }

    /// Refuses further writes, waits until everything queued is written or `deadline` passes,
    /// and returns how many spans could not be written (0 when everything was).
    public func shutdown(deadline: ContinuousClock.Instant) async -> Int {
        let producers = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.closed = true
            s.deadline = s.deadline.map { min($0, deadline) } ?? deadline
            defer { s.producers = [] }
            return s.producers
        }
        for producer in producers { producer.resume() }
        wakeUp.signal()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let done = state.withLock { s -> Int? in
                if let undelivered = s.undelivered { return undelivered }
                s.finishWaiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    // MARK: - The writer's thread

    private func run() {
        let clock = ContinuousClock()
        var nextMaintenance = clock.now + maintenanceInterval
        var nextDependencyTick = clock.now + Self.dependencyTick
        while true {
            switch nextStep() {
            case .write(let slices, let spans):
                let written = commitRetrying(store.prepare(slices), spans: spans)
                let producers = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                    s.queuedSpans -= spans
                    if !written { s.undelivered = (s.undelivered ?? 0) + spans }
                    defer { s.producers = [] }
                    return s.producers
                }
                for producer in producers { producer.resume() }
            case .wait:
                let wait = min(clock.now.duration(to: nextMaintenance), Self.dependencyTick)
                if wait > .zero { _ = wakeUp.wait(timeout: .now() + .nanoseconds(Self.nanoseconds(wait))) }
                if clock.now >= nextDependencyTick {
                    _ = commitRetrying(store.endDependencyWaits(), spans: 0)
                    nextDependencyTick = clock.now + Self.dependencyTick
                }
            case .finish:
                _ = commitRetrying(store.endDependencyWaits(all: true), spans: 0)
                let waiters = state.withLock { s -> (Int, [CheckedContinuation<Int, Never>]) in
                    let undelivered = s.undelivered ?? 0
                    s.undelivered = undelivered
                    defer { s.finishWaiters = [] }
                    return (undelivered, s.finishWaiters)
                }
                for waiter in waiters.1 { waiter.resume(returning: waiters.0) }
                return
            }
            if clock.now >= nextMaintenance {
                events.maintenance()
                nextMaintenance = clock.now + maintenanceInterval
            }
        }
    }

    /// Takes whole batches from the head of the queue, up to `maxSpansPerCommit` spans.
    private func nextStep() -> Step {
        state.withLock { s -> Step in
            guard s.head < s.queue.count else {
                return s.closed ? .finish : .wait
            }
            var taken: [TraceSlice] = []
            var spans = 0
            while s.head < s.queue.count {
                let count = s.queue[s.head].spanCount
                if !taken.isEmpty && spans + count > maxSpansPerCommit { break }
                taken += s.queue[s.head]
                spans += count
                s.head += 1
            }
            if s.head == s.queue.count {
                s.queue.removeAll(keepingCapacity: true)
                s.head = 0
            }
            return .write(taken, spans: spans)
        }
    }

    /// Commits, retrying after failures; false when shutdown's deadline passed first.
    private func commitRetrying(_ write: CombinedStore.PreparedWrite, spans: Int) -> Bool {
        var pause = Duration.milliseconds(100)
        while true {
            do {
                try store.commit(write)
                events.written(spans)
                return true
            } catch {
                events.failed(spans, error)
            }
            let deadline = state.withLock { $0.deadline }
            if let deadline, ContinuousClock.now + pause > deadline {
                return false
            }
            Thread.sleep(forTimeInterval: Double(Self.nanoseconds(pause)) / 1e9)
            pause = min(pause * 2, .seconds(1))
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }
}
