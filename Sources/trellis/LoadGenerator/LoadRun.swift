import ArgumentParser
import Glibc
import NIOCore
import NIOPosix
import Synchronization
import TrellisCodec
import TrellisModel

/// One load run: connections, senders that keep `concurrency` requests in flight (paced when a
/// rate is set), SDK-like retries of refused requests, live progress, and the final summary.
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

    /// A connection of either kind.
    private enum Connection: Sendable {
        case grpc(GRPCClientConnection)
        case http(HTTPClientConnection)

        func abort(reason: String) {
            switch self {
            case .grpc(let c): c.abort(reason: reason)
            case .http(let c): c.abort(reason: reason)
            }
        }

        var isOpen: Bool {
            switch self {
            case .grpc(let c): return c.isOpen
            case .http(let c): return c.isOpen
            }
        }
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
        var connections: [Connection] = []
        do {
            for _ in 0..<connectionCount {
                switch target.wireProtocol {
                case .grpc:
                    connections.append(.grpc(try await GRPCClientConnection.connect(host: target.host, port: target.port, group: group, authority: "\(target.host):\(target.port)")))
                case .httpProtobuf, .httpJSON:
                    connections.append(.http(try await HTTPClientConnection.connect(host: target.host, port: target.port, group: group, path: target.path)))
                }
            }
        } catch {
            try? await group.shutdownGracefully()
            throw .cannotConnect("cannot connect to \(target.host):\(target.port) (\(target.wireProtocol.rawValue)): \(error)")
        }

        let statistics = LoadStatistics()
        let pacer = Pacer(spansPerSecond: options.rate, spansPerRequest: options.spansPerRequest)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + options.duration
        let progress = options.json || isatty(1) == 0 ? nil : Task { await Self.showProgress(statistics, start: start, until: deadline) }
        let sendOptions = options
        let openConnections = connections
        await withTaskGroup(of: Bool.self) { group in
            for slot in 0..<options.concurrency {
                let connection = connections[slot % connections.count]
                group.addTask {
                    await Self.send(on: connection, options: sendOptions, bodies: bodies, pacer: pacer, statistics: statistics, until: deadline)
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
                    for connection in openConnections {
                        connection.abort(reason: "no answer within \(Self.drainTime) after the end of the run")
                    }
                }
            }
        }
        progress?.cancel()
        let elapsed = start.duration(to: clock.now)
        for connection in connections {
            switch connection {
            case .grpc(let c): await c.close()
            case .http(let c): await c.close()
            }
        }
        let summary = LoadSummary(options: options, snapshot: statistics.snapshot, elapsed: elapsed)
        if options.json { print(summary.jsonLine) } else { print(summary.text) }
        try? await group.shutdownGracefully()
        return summary.snapshot.spansAccepted > 0 && summary.snapshot.spansFailed == 0
    }

    /// One sender: requests back to back (or paced) until the deadline, retrying refusals with backoff.
    private static func send(on connection: Connection, options: Options, bodies: BodySource, pacer: Pacer,
                             statistics: LoadStatistics, until deadline: ContinuousClock.Instant) async {
        let clock = ContinuousClock()
        while clock.now < deadline {
            await pacer.wait()
            guard clock.now < deadline else { return }
            let (body, spans) = bodies.next()
            var backoff = Duration.milliseconds(100)
            var firstAttempt = true
            while true {
                statistics.started(spans: spans, firstAttempt: firstAttempt)
                let began = clock.now
                let outcome: ExportOutcome
                switch connection {
                case .grpc(let c): outcome = await c.export(body, gzip: options.gzip)
                case .http(let c):
                    outcome = await c.export(body, contentType: options.target.wireProtocol == .httpJSON ? "application/json" : "application/x-protobuf", gzip: options.gzip)
                }
                let micros = began.duration(to: clock.now).microseconds
                statistics.finished(outcome, spans: spans, micros: micros)
                firstAttempt = false
                // Refused requests are retried like an SDK would, also while the run drains.
                let cutoff = deadline + drainTime
                guard case .refused(let retryAfter) = outcome, clock.now < cutoff else {
                    if case .failed = outcome, !connection.isOpen { return }
                    break
                }
                statistics.retried()
                let jitter = Duration.milliseconds(Int.random(in: 0...50))
                let delay = retryAfter.map { Duration.seconds($0) } ?? backoff + jitter
                try? await Task.sleep(until: min(clock.now + delay, cutoff), clock: .continuous)
                guard clock.now < cutoff else { return }
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private static func showProgress(_ statistics: LoadStatistics, start: ContinuousClock.Instant, until deadline: ContinuousClock.Instant) async {
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
    var microseconds: UInt64 {
        let c = components
        return UInt64(max(0, c.seconds)) * 1_000_000 + UInt64(max(0, c.attoseconds) / 1_000_000_000_000)
    }
}
