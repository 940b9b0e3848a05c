import Glibc
import NIOPosix
import TrellisModel

/// One run of `trellis demo`: a connection per service (each agent exports on its own), the
/// generator paced at the trace rate, batches exported every second, and the summary.
struct DemoRun {
    struct Options {
        var target: LoadTarget
        var tracesPerSecond: Double
        var duration: Duration
        var seed: UInt64
        var queryURL: String
    }

    let options: Options

    /// Sends the traces and prints the summary. Returns false when a span was not accepted.
    func run() async throws(LoadgenError) -> Bool {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var exporters: [DemoExporter] = []
        do {
            for service in DemoService.allCases {
                exporters.append(DemoExporter(service: service, connection: try await OTLPConnection.connect(to: options.target, group: group),
                                              json: options.target.wireProtocol == .httpJSON))
            }
        } catch {
            for exporter in exporters { await exporter.close() }
            try? await group.shutdownGracefully()
            throw error
        }
        let statistics = LoadStatistics()
        let start = ContinuousClock.now
        let deadline = start + options.duration
        let cutoff = deadline + LoadRun.drainTime
        let progress = isatty(1) == 0 ? nil : Task { await LoadRun.showProgress(statistics, start: start, until: deadline) }
        let senders = exporters
        // An endpoint that stops answering must not hold the run: at the cutoff, what is in flight fails.
        let watchdog = Task {
            try await Task.sleep(until: cutoff, clock: .continuous)
            for exporter in senders { exporter.abort(reason: "no answer within \(LoadRun.drainTime) after the end of the run") }
        }
        async let generated = Self.generate(options: options, into: exporters, until: deadline)
        await withTaskGroup(of: Void.self) { group in
            for exporter in senders {
                group.addTask { await exporter.run(until: deadline, statistics: statistics, cutoff: cutoff) }
            }
        }
        let tally = await generated
        await withTaskGroup(of: Void.self) { group in
            for exporter in senders {
                group.addTask { await exporter.flush(statistics: statistics, cutoff: cutoff) }
            }
        }
        watchdog.cancel()
        progress?.cancel()
        let elapsed = start.duration(to: .now)
        for exporter in exporters { await exporter.close() }
        try? await group.shutdownGracefully()
        let snapshot = statistics.snapshot
        print(DemoSummary(target: options.target, seed: options.seed, tally: tally, snapshot: snapshot, elapsed: elapsed,
                          queryURL: options.queryURL, endMillis: WallClock.nowNanos() / 1_000_000).text)
        return snapshot.spansAccepted > 0 && snapshot.spansAccepted == snapshot.spansSent
    }

    /// Generates traces at the asked rate until `deadline`, each ending now, and hands every
    /// service its spans.
    private static func generate(options: Options, into exporters: [DemoExporter], until deadline: ContinuousClock.Instant) async -> DemoTally {
        var generator = DemoTraceGenerator(seed: options.seed)
        var tally = DemoTally()
        let pacer = Pacer(perSecond: options.tracesPerSecond)
        while ContinuousClock.now < deadline {
            await pacer.wait()
            guard ContinuousClock.now < deadline else { break }
            let trace = generator.next(endingAt: WallClock.nowNanos())
            tally.record(trace)
            for exporter in exporters { exporter.enqueue(trace.spans(of: exporter.service)) }
        }
        return tally
    }
}
