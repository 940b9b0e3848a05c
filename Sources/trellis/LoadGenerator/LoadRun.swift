import ArgumentParser
import Glibc
import NIOCore
import NIOPosix
import Synchronization
import TrellisCodec
import TrellisModel

/// One load run: connections (replaced when they close, `ConnectionSlot`), senders that keep
/// `concurrency` requests in flight (paced when a rate is set), SDK-like retries of refused
/// requests, live progress, and the final summary.
struct LoadRun {
    struct Options {
        var target: LoadTarget
        var connections: Int
        var concurrency: Int
        var spansPerRequest: Int
        var spansPerTrace: Int
        var attributes: Int
        var rate: Int
        var duration: Duration
        var gzip: Bool
        var json: Bool
        var seed: UInt64
        var endpointText: String
    }

    let options: Options

    /// How long requests still in flight at the end of the run may take before they count as failed.
    static let drainTime = Duration.seconds(5)

    /// Runs the load and prints the summary. Returns false when nothing was accepted or something failed.
    func run() async throws(LoadgenError) -> Bool {
        // Bodies first: connections must not sit idle while templates are built.
        let bodies = BodySource(options: options)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let target = options.target
        let connectionCount = target.wireProtocol == .grpc ? options.connections : options.concurrency
        var connections: [OTLPConnection] = []
        do {
            for _ in 0..<connectionCount {
                connections.append(try await OTLPConnection.connect(to: target, group: group))
            }
        } catch {
            for connection in connections { await connection.close() }
            try? await group.shutdownGracefully()
            throw error
        }

        let statistics = LoadStatistics()
        let slots = connections.map { ConnectionSlot($0, target: target, group: group, statistics: statistics) }
        let pacer = Pacer(perSecond: Double(options.rate) / Double(options.spansPerRequest))
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + options.duration
        let progress = options.json || isatty(1) == 0 ? nil : Task { await Self.showProgress(statistics, start: start, until: deadline) }
        let sendOptions = options
        await withTaskGroup(of: Bool.self) { group in
            for sender in 0..<options.concurrency {
                let slot = slots[sender % slots.count]
                group.addTask {
                    await Self.send(on: slot, options: sendOptions, bodies: bodies, pacer: pacer, statistics: statistics, until: deadline)
                    return true
                }
            }
            // After the deadline, requests in flight get `drainTime` to finish; then they fail.
            group.addTask {
                try? await Task.sleep(until: deadline + Self.drainTime, clock: .continuous)
                return false
            }
            var senders = options.concurrency
            while let isSender = await group.next() {
                if isSender {
                    senders -= 1
                    if senders == 0 { group.cancelAll() }
                } else if senders > 0 {
                    for slot in slots {
                        await slot.abort(reason: "no answer within \(Self.drainTime) after the end of the run")
                    }
                }
            }
        }
        progress?.cancel()
        let elapsed = start.duration(to: clock.now)
        for slot in slots { await slot.close() }
        let summary = LoadSummary(options: options, snapshot: statistics.snapshot, elapsed: elapsed)
        if options.json { print(summary.jsonLine) } else { print(summary.text) }
        try? await group.shutdownGracefully()
        return summary.snapshot.spansAccepted > 0 && summary.snapshot.spansFailed == 0
    }

    /// One sender: requests back to back (or paced) until the deadline, retrying refusals with
    /// backoff, each on the slot's open connection.
    private static func send(on slot: ConnectionSlot, options: Options, bodies: BodySource, pacer: Pacer,
                             statistics: LoadStatistics, until deadline: ContinuousClock.Instant) async {
        let clock = ContinuousClock()
        while clock.now < deadline {
            await pacer.wait()
            guard clock.now < deadline, let connection = await slot.open(until: deadline) else { return }
            let (body, spans) = bodies.next()
            _ = await connection.exportRetrying(body, spans: spans, gzip: options.gzip, statistics: statistics, until: deadline + drainTime)
        }
    }

    /// Rewrites one line on the terminal every second with the counts so far.
    static func showProgress(_ statistics: LoadStatistics, start: ContinuousClock.Instant, until deadline: ContinuousClock.Instant) async {
        var lastAccepted = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { break }
            let s = statistics.snapshot
            let elapsed = start.duration(to: .now).components.seconds
            let line = "\r\(elapsed)s  \(s.spansAccepted - lastAccepted) spans/s  in flight \(s.inFlight)  accepted \(s.spansAccepted)  refused \(s.spansRefused)  errors \(s.spansFailed)   "
            lastAccepted = s.spansAccepted
            var bytes = Array(line.utf8)
            _ = Glibc.write(1, &bytes, bytes.count)
        }
        print("")
    }
}

extension Duration {
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    var microseconds: UInt64 {
        let c = components
        return UInt64(max(0, c.seconds)) * 1_000_000 + UInt64(max(0, c.attoseconds) / 1_000_000_000_000)
    }
}
